import DataLoader from 'dataloader';
import { In, type EntityManager, type EntityTarget, type ObjectLiteral } from 'typeorm';
import { toPage, type Page } from '../common/pagination';

type Row = ObjectLiteral & { id: number };

export interface PageKey {
  parentId: number;
  first: number;
  afterId: number;
  since?: Date | null;
}

export interface CountKey {
  parentId: number;
  since?: Date | null;
}

/**
 * Per-request DataLoaders, made on first use. Every batch is one statement
 * with `= ANY($1)`, soft-deleted rows excluded unless a loader says
 * otherwise, so a query costs statements per depth, never per row.
 */
export class Loaders {
  private readonly cache = new Map<string, DataLoader<unknown, unknown>>();

  constructor(private readonly manager: EntityManager) {}

  private get<K, V>(key: string, make: () => DataLoader<K, V>): DataLoader<K, V> {
    let loader = this.cache.get(key) as DataLoader<K, V> | undefined;
    if (!loader) {
      loader = make();
      this.cache.set(key, loader as DataLoader<unknown, unknown>);
    }
    return loader;
  }

  private readonly memos = new Map<string, Promise<unknown>>();

  /** A value computed at most once per request (small reference sets such as the tiers). */
  once<T>(key: string, make: () => Promise<T>): Promise<T> {
    let value = this.memos.get(key) as Promise<T> | undefined;
    if (!value) {
      value = make();
      this.memos.set(key, value);
    }
    return value;
  }

  private target(entity: EntityTarget<Row>): { name: string; table: string } {
    const metadata = this.manager.connection.getMetadata(entity);
    return { name: metadata.name, table: metadata.tableName };
  }

  /** Rows by primary key; `withDeleted` for parents of rows that are themselves deleted (admin views). */
  byId<T extends Row>(entity: EntityTarget<T>, options: { withDeleted?: boolean } = {}): DataLoader<number, T | null> {
    const { name } = this.target(entity);
    return this.get(`byId:${name}:${options.withDeleted ? 'all' : 'live'}`, () => {
      return new DataLoader<number, T | null>(async (ids) => {
        const rows = await this.manager.find(entity, {
          where: { id: In(ids as number[]) } as never,
          withDeleted: options.withDeleted ?? false,
        });
        const byId = new Map(rows.map((r) => [r.id, r]));
        return ids.map((id) => byId.get(id) ?? null);
      });
    });
  }

  /**
   * Live children of each parent, in key order (small fixed sets such as a
   * store's memberships). `join` loads to-one relations in the same statement
   * and primes their byId loaders, so resolving them costs nothing more.
   */
  childrenOf<T extends Row>(
    entity: EntityTarget<T>,
    foreignKey: keyof T & string,
    join: Array<keyof T & string> = [],
  ): DataLoader<number, T[]> {
    const { name } = this.target(entity);
    return this.get(`children:${name}:${foreignKey}:${join.join(',')}`, () => {
      return new DataLoader<number, T[]>(async (parentIds) => {
        const rows = await this.manager.find(entity, {
          where: { [foreignKey]: In(parentIds as number[]) } as never,
          order: { id: 'ASC' } as never,
          relations: Object.fromEntries(join.map((relation) => [relation, true])) as never,
        });
        this.primeJoined(entity, rows, join);
        const groups = new Map<number, T[]>(parentIds.map((id) => [id, []]));
        for (const row of rows) groups.get(row[foreignKey] as number)?.push(row);
        return parentIds.map((id) => groups.get(id) ?? []);
      });
    });
  }

  /** Primes the live-row byId loaders with relations a query already joined. */
  primeJoined<T extends Row>(entity: EntityTarget<T>, rows: T[], join: Array<keyof T & string>): void {
    const metadata = this.manager.connection.getMetadata(entity);
    for (const relation of join) {
      const target = metadata.findRelationWithPropertyPath(relation)!.inverseEntityMetadata.target as EntityTarget<Row>;
      const loader = this.byId(target);
      for (const row of rows) {
        const related = row[relation] as Row | null | undefined;
        if (related) loader.prime(related.id, related);
      }
    }
  }

  /**
   * One page of live children per parent, for nested connections: a single
   * windowed statement serves every parent that asks for the same page shape.
   * With `sinceColumn`, a key's `since` hides older children (order history).
   */
  pageOf<T extends Row>(
    entity: EntityTarget<T>,
    foreignKey: keyof T & string,
    sinceColumn?: keyof T & string,
  ): DataLoader<PageKey, Page<T>, string> {
    const { name } = this.target(entity);
    const metadata = this.manager.connection.getMetadata(entity);
    const column = (property: string) => metadata.findColumnWithPropertyName(property)!.databaseName;
    const fkColumn = column(foreignKey);
    const liveOnly = metadata.deleteDateColumn ? `AND child.${metadata.deleteDateColumn.databaseName} IS NULL` : '';
    const keyOf = (k: PageKey) => `${k.parentId}:${k.first}:${k.afterId}:${k.since?.toISOString() ?? ''}`;
    return this.get(`page:${name}:${foreignKey}:${sinceColumn ?? ''}`, () => {
      return new DataLoader<PageKey, Page<T>, string>(
        async (keys) => {
          const results = new Map<string, Page<T>>();
          const shapes = new Map<string, PageKey[]>();
          for (const key of keys) {
            const shape = `${key.first}:${key.afterId}:${key.since?.toISOString() ?? ''}`;
            shapes.set(shape, [...(shapes.get(shape) ?? []), key]);
          }
          for (const group of shapes.values()) {
            const { first, afterId, since } = group[0];
            const parentIds = group.map((k) => k.parentId);
            const sinceFilter = sinceColumn && since ? `AND child.${column(sinceColumn)} >= :since` : '';
            const entities = await this.manager
              .createQueryBuilder(entity, 'row')
              .where(
                `row.id IN (SELECT ranked.id FROM (
                   SELECT child.id, ROW_NUMBER() OVER (PARTITION BY child.${fkColumn} ORDER BY child.id) AS rank
                     FROM "${metadata.tableName}" child
                    WHERE child.${fkColumn} = ANY(:parentIds) AND child.id > :afterId ${liveOnly} ${sinceFilter}
                 ) ranked WHERE ranked.rank <= :limit)`,
                { parentIds, afterId, limit: first + 1, since },
              )
              .orderBy('row.id', 'ASC')
              .getMany();
            for (const key of group) {
              const own = entities.filter((e) => e[foreignKey] === key.parentId);
              results.set(keyOf(key), toPage(own, first));
            }
          }
          return keys.map((k) => results.get(keyOf(k))!);
        },
        { cacheKeyFn: keyOf },
      );
    });
  }

  /** Count of live children per parent; with `sinceColumn`, only those at or after the key's `since`. */
  countOf<T extends Row>(
    entity: EntityTarget<T>,
    foreignKey: keyof T & string,
    sinceColumn?: keyof T & string,
  ): DataLoader<CountKey, number, string> {
    const { name } = this.target(entity);
    const metadata = this.manager.connection.getMetadata(entity);
    const column = (property: string) => metadata.findColumnWithPropertyName(property)!.databaseName;
    const fkColumn = column(foreignKey);
    const keyOf = (k: CountKey) => `${k.parentId}:${k.since?.toISOString() ?? ''}`;
    return this.get(`count:${name}:${foreignKey}:${sinceColumn ?? ''}`, () => {
      return new DataLoader<CountKey, number, string>(
        async (keys) => {
          const counts = new Map<string, number>();
          const bySince = new Map<string, CountKey[]>();
          for (const key of keys)
            bySince.set(key.since?.toISOString() ?? '', [...(bySince.get(key.since?.toISOString() ?? '') ?? []), key]);
          for (const group of bySince.values()) {
            const since = group[0].since;
            const qb = this.manager
              .createQueryBuilder(entity, 'row')
              .select(`row.${fkColumn}`, 'parent')
              .addSelect('COUNT(*)', 'count')
              .where(`row.${fkColumn} = ANY(:parentIds)`, { parentIds: group.map((k) => k.parentId) })
              .groupBy(`row.${fkColumn}`);
            if (sinceColumn && since) qb.andWhere(`row.${column(sinceColumn)} >= :since`, { since });
            const rows: Array<{ parent: number; count: string }> = await qb.getRawMany();
            const found = new Map(rows.map((r) => [Number(r.parent), Number(r.count)]));
            for (const key of group) counts.set(keyOf(key), found.get(key.parentId) ?? 0);
          }
          return keys.map((k) => counts.get(keyOf(k)) ?? 0);
        },
        { cacheKeyFn: keyOf },
      );
    });
  }
}
