import type { PoolClient, QueryResult } from 'pg';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';

import { type RequestStore, tagRunner } from '../common/request-store';
import { batchWrites, endLater, READ_ONLY_END, takeOwedEnd } from './deferred-commit';
import { statementName } from './lean';
import { type AheadStatement, queryAfter } from './opening-batch';
import { countStatement } from './query-counter';

/**
 * How a transaction learns who it works for: one statement sent right after
 * BEGIN, in the same write (the connections pipeline), that reads who the
 * caller is and writes the transaction-local identity settings the
 * row-level security policies read (`identitySql`), switching to the
 * `orion_app` role last, so nothing after it bypasses the policies, whoever
 * the pool connects as. It is a named prepared statement (planned once per
 * connection) that returns exactly one row, so the settings are always
 * written, even for a credential that no longer works; should it fail,
 * PostgreSQL aborts the transaction and nothing after it runs. `read` turns
 * its row into what the caller needs (its viewer).
 */
export interface Opening<T> {
  text: string;
  values: unknown[];
  read(result: QueryResult): T;
  /** The opening may write (an API key's last-use stamp): its transaction is never READ ONLY. */
  writes?: boolean;
}

/** The identity a transaction's opening writes: SQL expressions, evaluated in its one row. */
export interface Identity {
  /**
   * The role the policies apply to (see the row-level security migration):
   * 'orion_app' for a tenant's caller or an anonymous one, 'orion_admin' for
   * ADMIN, 'orion_system' for work done for no caller.
   */
  role: string;
  /** 'request', or 'system:<name>' naming the work done for no caller. */
  context: string;
  userId: string;
  /** Merchants owned: all their stores and rows. */
  merchants: string;
  /** Merchants whose team the caller is in: the merchant, its programs, cards, their holders and ledger. */
  teamMerchants: string;
  /** Stores whose team the caller is in: their rows. */
  stores: string;
}

/**
 * The select-list columns that write `identity` into the settings the
 * policies read and then switch role: the one place that writes them.
 */
export function identitySql(identity: Identity): string {
  // One column (concat evaluates its arguments in order, the role switch last), not eight for pg to parse.
  return `concat(set_config('orion.context', ${identity.context}, true),
                 set_config('orion.user_id', coalesce((${identity.userId})::text, ''), true),
                 set_config('orion.merchants', (${identity.merchants})::int[]::text, true),
                 set_config('orion.team_merchants', (${identity.teamMerchants})::int[]::text, true),
                 set_config('orion.stores', (${identity.stores})::int[]::text, true),
                 set_config('orion.storefront', '', true),
                 set_config('role', ${identity.role}, true)) <> '' AS identified`;
}

/**
 * What a transaction's opening batch sends ahead of the opening
 * (src/db/opening-batch.ts): the end its connection owes, if any, BEGIN
 * (READ ONLY for a request that will not write), then the role and context
 * the opening reads who the caller is with (across tenants, under a named
 * system context). Fixed texts: nothing from the request goes into them.
 */
const AHEAD = {
  end: { name: 'orion_end_read_only', text: READ_ONLY_END },
  begin: { name: 'orion_begin', text: 'BEGIN' },
  beginReadOnly: { name: 'orion_begin_read_only', text: 'BEGIN READ ONLY' },
  identifyRole: { name: 'orion_identify_role', text: 'SET LOCAL role orion_system' },
  identifyContext: { name: 'orion_identify_context', text: `SET LOCAL orion.context = 'system:identify'` },
} satisfies Record<string, AheadStatement>;

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
  readonly manager: EntityManager;
  private readonly runner: Runner;
  private opened?: Promise<{ client: PoolClient; value: Promise<T>; readOnly: boolean }>;
  private finished = false;
  private readOnly = false;

  constructor(
    base: DataSource,
    private readonly store: RequestStore,
    private readonly opening: Opening<T>,
  ) {
    const runner = base.createQueryRunner('master');
    tagRunner(runner, store);
    this.runner = runner as Runner;
    this.manager = runner.manager;
    this.connect = runner.connect.bind(runner);
    runner.connect = async () => (await this.open()).client;
    // A service's transaction is a savepoint of this one (the opening sets the depth TypeORM picks SAVEPOINT
    // by). SAVEPOINT and RELEASE are sent, not awaited: the connection pipelines, so they cost no round trip;
    // should one fail, the transaction is aborted, every statement after it fails, and so does `finish`'s
    // COMMIT. A rollback to the savepoint is TypeORM's own, awaited.
    runner.startTransaction = async () => {
      const { client } = await this.open();
      this.send(client, `SAVEPOINT typeorm_${this.runner.transactionDepth}`);
      this.runner.transactionDepth += 1;
    };
    const commitTransaction = runner.commitTransaction.bind(runner);
    runner.commitTransaction = async () => {
      if (this.runner.transactionDepth <= 1) return commitTransaction();
      const { client } = await this.open();
      this.runner.transactionDepth -= 1;
      this.send(client, `RELEASE SAVEPOINT typeorm_${this.runner.transactionDepth}`);
    };
  }

  /** Sends transaction control on the pipelined connection without waiting for it. */
  private send(client: PoolClient, sql: string): void {
    countStatement(this.store);
    client.query(sql).catch(() => undefined);
  }

  /** The runner's own connect: takes a pooled connection. */
  private readonly connect: () => Promise<unknown>;

  /**
   * The request will not write (a GraphQL query). A transaction not yet open
   * opens READ ONLY, which PostgreSQL enforces, and its end need not be
   * waited for: it rides with the connection's next use
   * (src/db/deferred-commit.ts). An opening that writes (an API key's
   * last-use stamp) keeps its transaction read-write.
   */
  willNotWrite(): void {
    if (!this.opened) this.readOnly = true;
  }

  /** The opening's value (the viewer), opening the transaction when no statement has yet. */
  async value(): Promise<T> {
    return (await this.open()).value;
  }

  private open() {
    if (this.finished) throw new Error('The request transaction has already finished');
    return (this.opened ??= (async () => {
      const client = (await this.connect()) as PoolClient;
      batchWrites(client);
      countStatement(this.store);
      const readOnly = this.readOnly && !this.opening.writes;
      const ahead = [
        ...(takeOwedEnd(client) ? [AHEAD.end] : []),
        readOnly ? AHEAD.beginReadOnly : AHEAD.begin,
        AHEAD.identifyRole,
        AHEAD.identifyContext,
      ];
      // Sent, not awaited: the pool's connections pipeline (src/db/data-source.ts), so the request's first
      // statement follows the opening in the same round trip. Should anything in the batch fail, PostgreSQL
      // skips the rest of it and either BEGIN never ran (the connection was in an aborted transaction, which
      // fails every statement after it) or the transaction is aborted: none runs with the identity unset.
      const { text, values } = this.opening;
      const value = queryAfter(client, ahead, { name: statementName(text), text, values }).then((result) =>
        this.opening.read(result),
      );
      value.catch(() => undefined); // its error reaches whoever awaits the value; the statements after fail anyway
      this.runner.isTransactionActive = true;
      this.runner.transactionDepth = 1;
      return { client, value, readOnly };
    })());
  }

  /**
   * Commits (or rolls back) and releases the connection; later calls do
   * nothing. A failed COMMIT throws (the caller must not report success) and
   * the connection is discarded, as is one whose opening failed. A READ ONLY
   * transaction (`willNotWrite`) has nothing to commit: its end is left to
   * the connection's next use (src/db/deferred-commit.ts) and the connection
   * goes back to the pool at once.
   */
  finish(commit: boolean): Promise<void> {
    if (this.finished) return Promise.resolve();
    this.finished = true;
    if (!this.opened) return Promise.resolve();
    countStatement(this.store);
    return this.end(this.opened, commit);
  }

  private async end(opened: NonNullable<typeof this.opened>, commit: boolean): Promise<void> {
    let client: PoolClient, readOnly: boolean;
    try {
      let value: Promise<unknown>;
      ({ client, value, readOnly } = await opened);
      // A failed opening may have left its batch's statements unprepared: the connection goes.
      await value;
    } catch (error) {
      await this.discard(error);
      if (commit) throw error;
      return;
    }
    if (readOnly) {
      endLater(client);
    } else {
      try {
        const { command } = await client.query(commit ? 'COMMIT' : 'ROLLBACK');
        // COMMIT of a transaction a failed statement aborted rolls back without an error: say so.
        if (commit && command !== 'COMMIT') throw new Error(`The transaction ended with ${command}: nothing was saved`);
      } catch (error) {
        await this.discard(error);
        throw error;
      }
    }
    this.runner.isTransactionActive = false;
    this.runner.transactionDepth = 0;
    await this.runner.release();
  }

  private async discard(error: unknown): Promise<void> {
    const runner = this.runner as unknown as { releasePostgresConnection(err: unknown): Promise<void> };
    await runner.releasePostgresConnection(error instanceof Error ? error : new Error(String(error)));
  }
}

const SYSTEM_NAME = /^[a-z][a-z0-9.:-]*$/;

/** The opening of work done for no caller: jobs, the admin bootstrap, webhooks. */
export function systemOpening(name: string): Opening<void> {
  if (!SYSTEM_NAME.test(name)) throw new Error(`Bad system context name: ${name}`);
  const none = `'{}'`;
  const identity = identitySql({
    role: `'orion_system'`,
    context: `'system:' || $1::text`,
    userId: 'NULL',
    merchants: none,
    teamMerchants: none,
    stores: none,
  });
  return { text: `SELECT ${identity}`, values: [name], read: () => undefined };
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
 * Runs `work` inside a request's transaction as the named system context
 * (the `orion_system` role, which sees every tenant's rows), then back as
 * before: for the few lookups made before anyone is known (an invitation
 * token, a storefront's Host). The name says why, in the code and in
 * `orion.context` while it runs.
 */
export async function asSystem<R>(manager: EntityManager, name: string, work: () => Promise<R>): Promise<R> {
  if (!SYSTEM_NAME.test(name)) throw new Error(`Bad system context name: ${name}`);
  const [{ role, context }] = (await manager.query(
    `SELECT current_user AS role, current_setting('orion.context', true) AS context,
            set_config('role', 'orion_system', true), set_config('orion.context', $1, true)`,
    [`system:${name}`],
  )) as Array<{ role: string; context: string | null }>;
  return restoring(work, () =>
    manager.query(`SELECT set_config('role', $1, true), set_config('orion.context', $2, true)`, [
      role,
      context ?? 'request',
    ]),
  );
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
