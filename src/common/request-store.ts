import type { QueryRunner } from 'typeorm';

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

const requests = new WeakMap<QueryRunner, RequestStore>();

/**
 * The request a query runner works for; undefined outside requests (jobs,
 * migrations, tests' direct SQL).
 */
export function requestOf(runner: QueryRunner | undefined): RequestStore | undefined {
  return runner && requests.get(runner);
}

/**
 * Binds a request's one query runner (src/db/request-transaction.ts) to the
 * request: its statements are counted into `store`, and subscribers find the
 * acting user there. A tag on the runner replaces an AsyncLocalStorage, whose
 * promise hooks on Node 20 cost every promise of every request (see
 * bench/RESULTS.md, step 12). Everything of the request runs on the runner's
 * manager: its query builders, repositories and `transaction` (a savepoint)
 * use that runner and never release it.
 */
export function tagRunner(runner: QueryRunner, store: RequestStore): void {
  requests.set(runner, store);
}
