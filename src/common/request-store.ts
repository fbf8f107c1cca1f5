import type { DataSource, QueryRunner } from 'typeorm';

/**
 * What a request's SQL carries without a context argument: its statements
 * are counted into it (countStatement, src/db/query-counter.ts), the
 * soft-delete subscriber reads the acting user from it, and the catalogue
 * subscriber counts the catalogue rows it wrote.
 */
export interface RequestStore {
  userId: number | null;
  sqlStatements: number;
  /** Rows of the reference catalogue (platforms, tiers, features) this request wrote (CatalogWriteSubscriber). */
  catalogWrites?: number;
}

const requests = new WeakMap<QueryRunner | DataSource, RequestStore>();

/**
 * The request a query runner (or a request's data source) works for;
 * undefined outside requests (jobs, migrations, tests' direct SQL).
 */
export function requestOf(source: QueryRunner | DataSource | undefined): RequestStore | undefined {
  return source && requests.get(source);
}

/**
 * A view of `dataSource` for one request, bound to the request's one query
 * runner (src/db/request-transaction.ts): its manager is the runner's, and
 * whatever asks it for a query runner (a query builder, `query`,
 * `transaction`) gets that same runner, whose `release` only the request's
 * end may call. Statements are counted into `store` through the runner's tag.
 * A tag on the runner replaces an AsyncLocalStorage, whose promise hooks on
 * Node 20 cost every promise of every request (see bench/RESULTS.md, step 12).
 */
export function requestDataSource(
  dataSource: DataSource,
  store: RequestStore,
): { dataSource: DataSource; runner: QueryRunner } {
  const scoped = Object.create(dataSource) as DataSource;
  const runner = dataSource.createQueryRunner.call(scoped, 'master');
  requests.set(runner, store);
  requests.set(scoped, store);
  const shared = new Proxy(runner, {
    get: (target, key) => (key === 'release' ? async () => undefined : Reflect.get(target, key)),
  });
  requests.set(shared, store);
  Object.defineProperty(scoped, 'createQueryRunner', { value: (): QueryRunner => shared });
  Object.defineProperty(scoped, 'manager', { value: runner.manager });
  return { dataSource: scoped, runner };
}
