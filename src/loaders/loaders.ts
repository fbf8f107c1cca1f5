import DataLoader from 'dataloader';
import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

import { type Page, toPage } from '../common/pagination';
import { leanEntities, leanQuery, type LeanShape, leanShape } from '../db/lean';
import type { Feature } from '../entities/features/feature.entity';
import type { SubscriptionTier } from '../entities/subscriptions/subscription-tier.entity';
import type { Platform } from '../entities/tenancy/platform.entity';
import { type Catalog, CatalogReader } from './catalog';
import { groupedBy, liveOnly, rowsIn } from './rows-sql';

export type { Catalog } from './catalog';

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
 * otherwise, so a query costs statements per depth, never per row. The
 * statements are lean (src/db/lean.ts): these are the hottest reads.
 */
export class Loaders {
  private readonly cache = new Map<EntityTarget<Row>, Map<string, DataLoader<unknown, unknown>>>();

  private readonly catalogReader: CatalogReader;

  constructor(
    private readonly manager: EntityManager,
    /** The catalogue's version as the request's viewer statement read it; null when it reads none. */
    catalogVersion: () => Promise<number | null> = async () => null,
  ) {
    this.catalogReader = new CatalogReader(manager, catalogVersion);
  }

  /** The loader `key` of `entity`, made on first use: a field asks for it once per row, so a lookup is all it costs. */
  private get<K, V>(entity: EntityTarget<Row>, key: string, make: () => DataLoader<K, V>): DataLoader<K, V> {
    let loaders = this.cache.get(entity);
    if (!loaders) this.cache.set(entity, (loaders = new Map()));
    let loader = loaders.get(key) as DataLoader<K, V> | undefined;
    if (!loader) {
      loader = make();
      loaders.set(key, loader as DataLoader<unknown, unknown>);
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

  private shape<T extends Row>(entity: EntityTarget<T>): LeanShape<T> {
    return leanShape(this.manager, entity);
  }

  /** Rows by primary key; `withDeleted` for parents of rows that are themselves deleted (admin views). */
  byId<T extends Row>(entity: EntityTarget<T>, options: { withDeleted?: boolean } = {}): DataLoader<number, T | null> {
    return this.get(entity, options.withDeleted ? 'byId:all' : 'byId:live', () => {
      const shape = this.shape(entity);
      return new DataLoader<number, T | null>(async (ids) => {
        const rows = await leanEntities(this.manager, entity, rowsIn(shape, 'id', '$1', options.withDeleted), [ids]);
        const byId = new Map(rows.map((row) => [row.id, row]));
        return ids.map((id) => byId.get(id) ?? null);
      });
    });
  }

  /** Live children of each parent, in key order (small fixed sets such as a store's memberships). */
  childrenOf<T extends Row>(entity: EntityTarget<T>, foreignKey: keyof T & string): DataLoader<number, T[]> {
    return this.get(entity, `children:${foreignKey}`, () => {
      const shape = this.shape(entity);
      const fkColumn = shape.metadata.findColumnWithPropertyName(foreignKey)!.databaseName;
      const sql = rowsIn(shape, fkColumn, '$1');
      return new DataLoader<number, T[]>(async (parentIds) => {
        const groups = groupedBy(parentIds, await leanEntities(this.manager, entity, sql, [parentIds]), foreignKey);
        return parentIds.map((id) => groups.get(id) ?? []);
      });
    });
  }

  /** The reference catalogue (src/loaders/catalog.ts): platforms, tiers and features. */
  catalog(): Promise<Catalog> {
    return this.catalogReader.catalog();
  }

  platform(id: number | null): Platform | null | Promise<Platform | null> {
    return this.catalogReader.platform(id);
  }

  platformByCode(code: string): Platform | null | Promise<Platform | null> {
    return this.catalogReader.platformByCode(code);
  }

  tier(id: number | null): SubscriptionTier | null | Promise<SubscriptionTier | null> {
    return this.catalogReader.tier(id);
  }

  featuresOf(tier: SubscriptionTier): Feature[] | Promise<Feature[]> {
    return this.catalogReader.featuresOf(tier);
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
    const keyOf = (k: PageKey) => `${k.parentId}:${k.first}:${k.afterId}:${k.since?.toISOString() ?? ''}`;
    return this.get(entity, `page:${foreignKey}:${sinceColumn ?? ''}`, () => {
      const shape = this.shape(entity);
      const column = (property: string) => shape.metadata.findColumnWithPropertyName(property)!.databaseName;
      const fkColumn = column(foreignKey);
      return new DataLoader<PageKey, Page<T>, string>(
        async (keys) => {
          const results = new Map<string, Page<T>>();
          const shapes = new Map<string, PageKey[]>();
          for (const key of keys) {
            const pageShape = `${key.first}:${key.afterId}:${key.since?.toISOString() ?? ''}`;
            shapes.set(pageShape, [...(shapes.get(pageShape) ?? []), key]);
          }
          for (const group of shapes.values()) {
            const { first, afterId, since } = group[0];
            const sinceFilter = sinceColumn && since ? `AND child."${column(sinceColumn)}" >= $4` : '';
            const entities = await leanEntities(
              this.manager,
              entity,
              `SELECT * FROM (
                 SELECT child.*, ROW_NUMBER() OVER (PARTITION BY child."${fkColumn}" ORDER BY child.id) AS rank
                   FROM "${shape.table}" child
                  WHERE child."${fkColumn}" = ANY($1) AND child.id > $2${liveOnly(shape, 'child')} ${sinceFilter}
               ) t WHERE t.rank <= $3`,
              [group.map((k) => k.parentId), afterId, first + 1, ...(sinceFilter ? [since] : [])],
            );
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
    const keyOf = (k: CountKey) => `${k.parentId}:${k.since?.toISOString() ?? ''}`;
    return this.get(entity, `count:${foreignKey}:${sinceColumn ?? ''}`, () => {
      const shape = this.shape(entity);
      const column = (property: string) => shape.metadata.findColumnWithPropertyName(property)!.databaseName;
      const fkColumn = column(foreignKey);
      return new DataLoader<CountKey, number, string>(
        async (keys) => {
          const counts = new Map<string, number>();
          const bySince = new Map<string, CountKey[]>();
          for (const key of keys)
            bySince.set(key.since?.toISOString() ?? '', [...(bySince.get(key.since?.toISOString() ?? '') ?? []), key]);
          for (const group of bySince.values()) {
            const since = group[0].since;
            const sinceFilter = sinceColumn && since ? ` AND t."${column(sinceColumn)}" >= $2` : '';
            const rows = await leanQuery<{ parent: number; count: number }>(
              this.manager,
              `SELECT t."${fkColumn}" AS parent, count(*)::int AS count FROM "${shape.table}" t
                WHERE t."${fkColumn}" = ANY($1)${liveOnly(shape, 't')}${sinceFilter}
                GROUP BY t."${fkColumn}"`,
              [group.map((k) => k.parentId), ...(sinceFilter ? [since] : [])],
            );
            const found = new Map(rows.map((r) => [r.parent, r.count]));
            for (const key of group) counts.set(keyOf(key), found.get(key.parentId) ?? 0);
          }
          return keys.map((k) => counts.get(keyOf(k)) ?? 0);
        },
        { cacheKeyFn: keyOf },
      );
    });
  }
}
