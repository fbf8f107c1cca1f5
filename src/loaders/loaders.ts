import DataLoader from 'dataloader';
import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { toPage, type Page } from '../common/pagination';
import { requestOf, type RequestStore } from '../common/request-store';
import { leanEntities, leanQuery, leanShape, type LeanRelated, type LeanShape } from '../db/lean';
import { Feature } from '../entities/features/feature.entity';
import { SubscriptionTier } from '../entities/subscriptions/subscription-tier.entity';
import { Platform } from '../entities/tenancy/platform.entity';

type Row = ObjectLiteral & { id: number };

export interface Catalog {
  platforms: ReadonlyMap<number, Platform>;
  tiers: ReadonlyMap<number, SubscriptionTier>;
  /** The feature registry, in id order. */
  features: readonly Feature[];
  /** Each tier's features, in registry order. */
  tierFeatures: ReadonlyMap<number, Feature[]>;
}

const platformOf = (c: Catalog, id: number) => c.platforms.get(id) ?? null;
const platformWithCode = (c: Catalog, code: string) => [...c.platforms.values()].find((p) => p.code === code) ?? null;
const tierOf = (c: Catalog, id: number) => c.tiers.get(id) ?? null;
const featuresOfTier = (c: Catalog, tierId: number) => c.tierFeatures.get(tierId) ?? [];

/**
 * The catalogue kept per database (its driver), shared by requests: its
 * entities are read, never changed (writes load their own rows).
 */
const catalogs = new WeakMap<object, { version: number; catalog: Catalog }>();

/**
 * Rows a list reads in the statement of its page (see `leanEntitiesWith`)
 * for a loader its field resolvers use.
 */
export interface Prefetch<P extends Row> {
  /** The relation to read over the page's rows, given the listed entity's shape. */
  related(parent: LeanShape<P>): LeanRelated;
  /** Fills the loader from the page's entities and the related rows read. */
  prime(parents: P[], rows: ObjectLiteral[]): void;
}

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

  constructor(
    private readonly manager: EntityManager,
    /** The catalogue's version as the request's viewer statement read it; null when it reads none. */
    private readonly catalogVersion: () => Promise<number | null> = async () => null,
  ) {}

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

  /** `AND "alias".deleted_at IS NULL` for a soft-deletable entity's live rows; '' otherwise. */
  private static live(shape: LeanShape<Row>, alias: string): string {
    return shape.deletedAt ? ` AND "${alias}"."${shape.deletedAt}" IS NULL` : '';
  }

  /**
   * The rows whose `column` is in the array `ids` (a parameter, or an
   * `ARRAY(SELECT …)` over a page: PostgreSQL sizes that and uses the index,
   * where `IN (SELECT … FROM page)` made it scan store_platforms whole, several
   * times slower for 100 stores: see bench/RESULTS.md). Live rows only unless
   * `withDeleted`.
   */
  private static rowsIn(shape: LeanShape<Row>, column: string, ids: string, withDeleted = false): string {
    return `SELECT * FROM "${shape.table}" t WHERE t."${column}" = ANY(${ids})${withDeleted ? '' : Loaders.live(shape, 't')}`;
  }

  /** Children by parent id, every parent present (with [] when it has none). */
  private static groupedBy<T extends Row>(
    parentIds: readonly number[],
    children: T[],
    foreignKey: keyof T,
  ): Map<number, T[]> {
    const groups = new Map<number, T[]>(parentIds.map((id) => [id, []]));
    for (const child of children) groups.get(child[foreignKey] as number)?.push(child);
    return groups;
  }

  /** Rows by primary key; `withDeleted` for parents of rows that are themselves deleted (admin views). */
  byId<T extends Row>(entity: EntityTarget<T>, options: { withDeleted?: boolean } = {}): DataLoader<number, T | null> {
    return this.get(entity, options.withDeleted ? 'byId:all' : 'byId:live', () => {
      const shape = this.shape(entity);
      return new DataLoader<number, T | null>(async (ids) => {
        const rows = await leanEntities(this.manager, entity, Loaders.rowsIn(shape, 'id', '$1', options.withDeleted), [
          ids,
        ]);
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
      const sql = Loaders.rowsIn(shape, fkColumn, '$1');
      return new DataLoader<number, T[]>(async (parentIds) => {
        const groups = Loaders.groupedBy(
          parentIds,
          await leanEntities(this.manager, entity, sql, [parentIds]),
          foreignKey,
        );
        return parentIds.map((id) => groups.get(id) ?? []);
      });
    });
  }

  /**
   * What `byId(entity)` (live rows) would load for the ids in `key` of a
   * page's rows, read by the page's own statement; `prime` fills the loader
   * with it, so the field resolvers find their rows without a statement.
   */
  prefetchById<P extends Row, T extends Row>(entity: EntityTarget<T>, key: keyof P & string): Prefetch<P> {
    const shape = this.shape(entity);
    return {
      related: (parent) => {
        const keyColumn = parent.metadata.findColumnWithPropertyName(key)!.databaseName;
        return { entity, sql: Loaders.rowsIn(shape, 'id', `ARRAY(SELECT p."${keyColumn}" FROM page p)`) };
      },
      prime: (parents, rows) => {
        const found = new Map((rows as T[]).map((row) => [row.id, row]));
        const loader = this.byId(entity);
        for (const parent of parents) {
          const id = parent[key] as number | null;
          if (id !== null) loader.prime(id, found.get(id) ?? null);
        }
      },
    };
  }

  /** What `childrenOf(entity, foreignKey)` would load for a page's rows, read by the page's own statement. */
  prefetchChildren<P extends Row, T extends Row>(entity: EntityTarget<T>, foreignKey: keyof T & string): Prefetch<P> {
    const shape = this.shape(entity);
    const fkColumn = shape.metadata.findColumnWithPropertyName(foreignKey)!.databaseName;
    return {
      related: () => ({ entity, sql: Loaders.rowsIn(shape, fkColumn, 'ARRAY(SELECT p.id FROM page p)') }),
      prime: (parents, rows) => {
        const loader = this.childrenOf(entity, foreignKey);
        const groups = Loaders.groupedBy(
          parents.map((p) => p.id),
          rows as T[],
          foreignKey,
        );
        for (const [id, children] of groups) loader.prime(id, children);
      },
    };
  }

  /** The catalogue once this request has it: its readers then answer without a promise per field. */
  private loadedCatalog: Catalog | undefined;

  /** How many catalogue rows this request had written when its catalogue was loaded. */
  private catalogWritesSeen = 0;

  /** The request the loaders work for, looked up once: every catalogue field asks for its write count. */
  private request: RequestStore | null | undefined;

  private catalogWrites(): number {
    this.request ??= requestOf(this.manager.queryRunner) ?? null;
    return this.request?.catalogWrites ?? 0;
  }

  /**
   * Whether this request wrote catalogue rows since its catalogue was loaded
   * (CatalogWriteSubscriber counts them): then the catalogue it holds, and
   * the version its viewer statement read, are older than its own change.
   */
  private catalogStale(): boolean {
    const writes = this.catalogWrites();
    if (writes === this.catalogWritesSeen) return false;
    this.loadedCatalog = undefined;
    this.memos.delete('catalog');
    return true;
  }

  /**
   * The reference catalogue: every platform, tier and feature (a few dozen
   * rows), which memberships, subscriptions and features resolve their
   * platform and tiers from instead of joining the same few rows into every
   * membership row. Kept per database in memory under its version (a row the
   * migration's triggers move on with every change to those tables, in the
   * changing transaction): a request whose viewer statement read the version
   * in memory needs no statement; any other loads it, as PostgreSQL-built
   * JSON, in one.
   */
  catalog(): Promise<Catalog> {
    this.catalogStale();
    return this.once('catalog', async () => {
      const driver = this.manager.connection.driver;
      const kept = catalogs.get(driver);
      this.catalogWritesSeen = this.catalogWrites();
      if (kept && this.catalogWritesSeen === 0 && kept.version === (await this.catalogVersion()))
        return (this.loadedCatalog = kept.catalog);
      const [row] = await leanQuery<
        Record<'platforms' | 'tiers' | 'features', Array<Record<string, unknown>>> & { version: number }
      >(
        this.manager,
        `SELECT (SELECT version FROM catalog_version) AS version,
                (SELECT coalesce(json_agg(p ORDER BY p.id), '[]') FROM platforms p) AS platforms,
                (SELECT coalesce(json_agg(t ORDER BY t.id), '[]') FROM subscription_tiers t) AS tiers,
                (SELECT coalesce(json_agg(f ORDER BY f.id), '[]') FROM features f) AS features`,
        [],
      );
      const byId = <T extends Row>(entity: EntityTarget<T>, rows: Array<Record<string, unknown>>) => {
        const shape = this.shape(entity);
        return new Map(rows.map((json) => [json.id as number, shape.fromJson(json)]));
      };
      const featureShape = this.shape(Feature);
      const features = row.features.map((json) => featureShape.fromJson(json));
      const tiers = byId(SubscriptionTier, row.tiers);
      const tierFeatures = new Map(
        [...tiers.values()].map((tier) => {
          const codes = new Set(tier.featureCodes);
          return [tier.id, features.filter((f) => codes.has(f.code))];
        }),
      );
      const catalog: Catalog = { platforms: byId(Platform, row.platforms), tiers, features, tierFeatures };
      // Any other version replaces what is kept: each request checks the version it read against it anyway. Not
      // one this request wrote itself: uncommitted, it may yet roll back, and its number be used by another change.
      if (this.catalogWritesSeen === 0 && row.version !== kept?.version)
        catalogs.set(driver, { version: row.version, catalog });
      return (this.loadedCatalog = catalog);
    });
  }

  /**
   * A value from the catalogue: at once when it is loaded, else once it is.
   * `read` is a module-level function given `arg`, so a call per field allocates no closure.
   */
  private fromCatalog<A, T>(read: (catalog: Catalog, arg: A) => T, arg: A): T | Promise<T> {
    const loaded = this.catalogStale() ? undefined : this.loadedCatalog;
    return loaded ? read(loaded, arg) : this.catalog().then((catalog) => read(catalog, arg));
  }

  /** A platform of the catalogue; null for null or an unknown id. */
  platform(id: number | null): Platform | null | Promise<Platform | null> {
    return id === null ? null : this.fromCatalog(platformOf, id);
  }

  /** The platform of the catalogue with this code; null when none has it. */
  platformByCode(code: string): Platform | null | Promise<Platform | null> {
    return this.fromCatalog(platformWithCode, code);
  }

  /** A tier of the catalogue; null for null or an unknown id. */
  tier(id: number | null): SubscriptionTier | null | Promise<SubscriptionTier | null> {
    return id === null ? null : this.fromCatalog(tierOf, id);
  }

  /** The registry entries of a tier's feature codes, in registry order. */
  featuresOf(tier: SubscriptionTier): Feature[] | Promise<Feature[]> {
    return this.fromCatalog(featuresOfTier, tier.id);
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
                  WHERE child."${fkColumn}" = ANY($1) AND child.id > $2${Loaders.live(shape, 'child')} ${sinceFilter}
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
                WHERE t."${fkColumn}" = ANY($1)${Loaders.live(shape, 't')}${sinceFilter}
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
