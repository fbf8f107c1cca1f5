import type { DataSource, QueryRunner, ReplicationMode } from 'typeorm';

/**
 * What a request's SQL carries without a context argument: the TypeORM
 * logger counts its statements into it and the soft-delete subscriber reads
 * the acting user from it.
 */
export interface RequestStore {
  userId: number | null;
  sqlStatements: number;
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
 * A view of `dataSource` for one request: everything works as on the data
 * source itself, but every query runner it makes (its manager's, its
 * transactions', its query builders') is tagged with `store`. This replaces
 * an AsyncLocalStorage, whose promise hooks on Node 20 cost every promise of
 * every request (~15% of the CPU of a large read).
 */
export function requestDataSource(dataSource: DataSource, store: RequestStore): DataSource {
  const scoped = Object.create(dataSource) as DataSource;
  Object.defineProperty(scoped, 'createQueryRunner', {
    value(mode?: ReplicationMode): QueryRunner {
      const runner = dataSource.createQueryRunner.call(scoped, mode);
      requests.set(runner, store);
      return runner;
    },
  });
  Object.defineProperty(scoped, 'manager', { value: scoped.createEntityManager() });
  requests.set(scoped, store);
  return scoped;
}
