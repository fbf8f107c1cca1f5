import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

import { requestOf, type RequestStore } from '../common/request-store';
import { leanQuery, leanShape } from '../db/lean';
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
 * entities are read, never changed (writes load their own rows). The only
 * process-wide state of the loaders.
 */
const kept = new WeakMap<object, { version: number; catalog: Catalog }>();

const CATALOG_SQL = `
  SELECT (SELECT version FROM catalog_version) AS version,
         (SELECT coalesce(json_agg(p ORDER BY p.id), '[]') FROM platforms p) AS platforms,
         (SELECT coalesce(json_agg(t ORDER BY t.id), '[]') FROM subscription_tiers t) AS tiers,
         (SELECT coalesce(json_agg(f ORDER BY f.id), '[]') FROM features f) AS features`;

/** The catalogue and its version, in one statement of PostgreSQL-built JSON. */
async function readCatalog(manager: EntityManager): Promise<{ version: number; catalog: Catalog }> {
  const [row] = await leanQuery<
    Record<'platforms' | 'tiers' | 'features', Array<Record<string, unknown>>> & { version: number }
  >(manager, CATALOG_SQL, []);
  const byId = <T extends Row>(entity: EntityTarget<T>, rows: Array<Record<string, unknown>>) => {
    const shape = leanShape(manager, entity);
    return new Map(rows.map((json) => [json.id as number, shape.fromJson(json)]));
  };
  const featureShape = leanShape(manager, Feature);
  const features = row.features.map((json) => featureShape.fromJson(json));
  const tiers = byId(SubscriptionTier, row.tiers);
  const tierFeatures = new Map(
    [...tiers.values()].map((tier) => {
      const codes = new Set(tier.featureCodes);
      return [tier.id, features.filter((f) => codes.has(f.code))];
    }),
  );
  return { version: row.version, catalog: { platforms: byId(Platform, row.platforms), tiers, features, tierFeatures } };
}

/**
 * A request's view of the reference catalogue: every platform, tier and
 * feature (a few dozen rows), which memberships, subscriptions and features
 * resolve their platform and tiers from instead of joining the same few rows
 * into every membership row. Kept per database in memory under its version (a
 * row the migration's triggers move on with every change to those tables, in
 * the changing transaction): a request whose viewer statement read the
 * version in memory needs no statement; any other loads it in one.
 *
 * Invalidation needs nobody to remember it: the version moves with every
 * committed change, and a request that wrote catalogue rows itself
 * (CatalogWriteSubscriber counts them) drops what it holds and reads again.
 */
export class CatalogReader {
  /** The catalogue once this request has it: its readers then answer without a promise per field. */
  private loaded: Catalog | undefined;
  private loading: Promise<Catalog> | undefined;

  /** How many catalogue rows this request had written when its catalogue was loaded. */
  private writesSeen = 0;

  /** The request the reader works for, looked up once: every catalogue field asks for its write count. */
  private request: RequestStore | null | undefined;

  constructor(
    private readonly manager: EntityManager,
    /** The catalogue's version as the request's viewer statement read it; null when it reads none. */
    private readonly version: () => Promise<number | null>,
  ) {}

  private writes(): number {
    this.request ??= requestOf(this.manager.queryRunner) ?? null;
    return this.request?.catalogWrites ?? 0;
  }

  /** Drops what this request holds when it wrote catalogue rows since loading it. */
  private dropIfStale(): void {
    if (this.writes() === this.writesSeen) return;
    this.loaded = undefined;
    this.loading = undefined;
  }

  catalog(): Promise<Catalog> {
    this.dropIfStale();
    this.loading ??= this.load();
    return this.loading;
  }

  private async load(): Promise<Catalog> {
    const driver = this.manager.connection.driver;
    const inMemory = kept.get(driver);
    this.writesSeen = this.writes();
    if (inMemory && this.writesSeen === 0 && inMemory.version === (await this.version()))
      return (this.loaded = inMemory.catalog);
    const read = await readCatalog(this.manager);
    // Any other version replaces what is kept: each request checks the version it read against it anyway. Not
    // one this request wrote itself: uncommitted, it may yet roll back, and its number be used by another change.
    if (this.writesSeen === 0 && read.version !== inMemory?.version) kept.set(driver, read);
    return (this.loaded = read.catalog);
  }

  /**
   * A value from the catalogue: at once when it is loaded, else once it is.
   * `read` is a module-level function given `arg`, so a call per field allocates no closure.
   */
  private from<A, T>(read: (catalog: Catalog, arg: A) => T, arg: A): T | Promise<T> {
    this.dropIfStale();
    const loaded = this.loaded;
    return loaded ? read(loaded, arg) : this.catalog().then((catalog) => read(catalog, arg));
  }

  /** A platform of the catalogue; null for null or an unknown id. */
  platform(id: number | null): Platform | null | Promise<Platform | null> {
    return id === null ? null : this.from(platformOf, id);
  }

  /** The platform of the catalogue with this code, active or not; null when none has it. */
  platformByCode(code: string): Platform | null | Promise<Platform | null> {
    return this.from(platformWithCode, code);
  }

  /** A tier of the catalogue; null for null or an unknown id. */
  tier(id: number | null): SubscriptionTier | null | Promise<SubscriptionTier | null> {
    return id === null ? null : this.from(tierOf, id);
  }

  /** The registry entries of a tier's feature codes, in registry order. */
  featuresOf(tier: SubscriptionTier): Feature[] | Promise<Feature[]> {
    return this.from(featuresOfTier, tier.id);
  }
}
