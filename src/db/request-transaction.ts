import { escapeLiteral, type PoolClient, type QueryResult } from 'pg';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { requestDataSource, type RequestStore } from '../common/request-store';

/**
 * How a transaction learns who it works for: SQL run right after BEGIN, in the
 * same round trip, calling one of the `orion.open_*` functions of the
 * row-level security migration. They write the transaction-local identity
 * settings the policies read and switch to the `orion_app` role, so nothing
 * after them bypasses the policies, whoever the pool connects as. `read`
 * turns the function's result into what the caller needs (its viewer).
 */
export interface Opening<T> {
  /** SQL after `BEGIN;` (a simple query: values go in as literals, quoted with `literal`). */
  sql(literal: (value: string) => string): string;
  read(result: QueryResult): T;
}

type Runner = Omit<QueryRunner, 'isTransactionActive'> & { isTransactionActive: boolean; transactionDepth: number };

/**
 * One request, one transaction, one connection. The connection is taken on
 * the request's first statement (a request that needs none takes none); its
 * first round trip is `BEGIN` and the opening. Every statement of the request
 * runs on it: the manager's, the lean reads', the loaders', and the services'
 * own transactions, which become savepoints of this one. `finish` commits
 * (or rolls back) and gives the connection back.
 */
export class RequestTransaction<T> {
  readonly dataSource: DataSource;
  readonly manager: EntityManager;
  private readonly runner: Runner;
  private opened?: Promise<{ client: PoolClient; value: T }>;
  private finished = false;

  constructor(
    base: DataSource,
    private readonly store: RequestStore,
    private readonly opening: Opening<T>,
  ) {
    const { dataSource, runner } = requestDataSource(base, store);
    this.dataSource = dataSource;
    this.runner = runner as Runner;
    this.manager = runner.manager;
    this.connect = runner.connect.bind(runner);
    runner.connect = async () => (await this.open()).client;
    // A service's transaction is a savepoint of this one: TypeORM picks BEGIN or SAVEPOINT by its depth, which
    // the opening sets, so the opening must come first.
    const startTransaction = runner.startTransaction.bind(runner);
    runner.startTransaction = async (isolation) => {
      await this.open();
      return startTransaction(isolation);
    };
  }

  /** The runner's own connect: takes a pooled connection. */
  private readonly connect: () => Promise<unknown>;

  /** The opening's value (the viewer), opening the transaction when no statement has yet. */
  async value(): Promise<T> {
    return (await this.open()).value;
  }

  private open() {
    if (this.finished) throw new Error('The request transaction has already finished');
    return (this.opened ??= (async () => {
      const client = (await this.connect()) as PoolClient;
      serialize(client);
      this.store.sqlStatements += 1;
      const results = (await client.query(`BEGIN; ${this.opening.sql(escapeLiteral)}`)) as unknown as QueryResult[];
      this.runner.isTransactionActive = true;
      this.runner.transactionDepth = 1;
      return { client, value: this.opening.read(results[results.length - 1]) };
    })());
  }

  /**
   * Commits (or rolls back) and releases the connection; later calls do
   * nothing. A failed COMMIT throws (the caller must not report success) and
   * the connection is discarded, as is one whose opening failed.
   */
  async finish(commit: boolean): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    if (!this.opened) return;
    let client: PoolClient;
    try {
      ({ client } = await this.opened);
    } catch (error) {
      await this.discard(error);
      return;
    }
    try {
      this.store.sqlStatements += 1;
      await client.query(commit ? 'COMMIT' : 'ROLLBACK');
    } catch (error) {
      await this.discard(error);
      throw error;
    }
    this.runner.isTransactionActive = false;
    this.runner.transactionDepth = 0;
    unserialize(client);
    await this.runner.release();
  }

  private async discard(error: unknown): Promise<void> {
    const runner = this.runner as unknown as { releasePostgresConnection(err: unknown): Promise<void> };
    await runner.releasePostgresConnection(error instanceof Error ? error : new Error(String(error)));
  }
}

/**
 * One query at a time on the request's connection, in call order: a request's
 * resolvers run concurrently, and pg's own queueing of a query sent while
 * another runs is deprecated (gone in pg 9).
 */
function serialize(client: PoolClient): void {
  const query = client.query;
  let tail: Promise<unknown> = Promise.resolve();
  (client as { query: unknown }).query = (...args: unknown[]) => {
    const run = tail.then(() => (query as (...a: unknown[]) => Promise<unknown>).apply(client, args));
    tail = run.catch(() => undefined);
    return run;
  };
}

function unserialize(client: PoolClient): void {
  delete (client as { query?: unknown }).query;
}

const SYSTEM_NAME = /^[a-z][a-z0-9.:-]*$/;

/** The opening of work done for no caller: jobs, the admin bootstrap, webhooks. */
export function systemOpening(name: string): Opening<void> {
  if (!SYSTEM_NAME.test(name)) throw new Error(`Bad system context name: ${name}`);
  return { sql: (literal) => `SELECT orion.open_system(${literal(name)})`, read: () => undefined };
}

/**
 * Runs `work` in one transaction under the named system context, which the
 * policies let see every tenant's rows: the explicit way for work that acts
 * for no caller (jobs, the admin bootstrap, webhooks) to cross tenants.
 */
export async function withSystemTransaction<R>(
  dataSource: DataSource,
  name: string,
  work: (manager: EntityManager) => Promise<R>,
): Promise<R> {
  const transaction = new RequestTransaction(dataSource, { userId: null, sqlStatements: 0 }, systemOpening(name));
  let result: R;
  try {
    await transaction.value();
    result = await work(transaction.manager);
  } catch (error) {
    await transaction.finish(false);
    throw error;
  }
  await transaction.finish(true);
  return result;
}

/**
 * Runs `work` inside a request's transaction with the policies opened to the
 * named system context, then closes them again: for the few lookups made
 * before anyone is known (an invitation token, a storefront's Host). The
 * name says why, in the code and in `orion.context` while it runs.
 */
export async function asSystem<R>(manager: EntityManager, name: string, work: () => Promise<R>): Promise<R> {
  if (!SYSTEM_NAME.test(name)) throw new Error(`Bad system context name: ${name}`);
  const [{ previous }] = (await manager.query(
    `SELECT current_setting('orion.context', true) AS previous, set_config('orion.context', $1, true)`,
    [`system:${name}`],
  )) as Array<{ previous: string }>;
  return restoring(work, () => manager.query(`SELECT set_config('orion.context', $1, true)`, [previous ?? 'request']));
}

/**
 * Runs `work` with soft-deleted rows visible to the policies (for an ADMIN's
 * deleted lists and restores, and the soft-delete cascade), then hides them again.
 */
export async function withDeletedRows<R>(manager: EntityManager, work: () => Promise<R>): Promise<R> {
  const [{ previous }] = (await manager.query(
    `SELECT current_setting('orion.deleted', true) AS previous, set_config('orion.deleted', 'on', true)`,
  )) as Array<{ previous: string }>;
  return restoring(work, () => manager.query(`SELECT set_config('orion.deleted', $1, true)`, [previous ?? 'off']));
}

/**
 * `work`, then `restore`. When `work` failed, its error is the one thrown: the
 * transaction may be aborted by then, and a savepoint rolled back has undone
 * the setting already.
 */
async function restoring<R>(work: () => Promise<R>, restore: () => Promise<unknown>): Promise<R> {
  let result: R;
  try {
    result = await work();
  } catch (error) {
    await restore().catch(() => undefined);
    throw error;
  }
  await restore();
  return result;
}
