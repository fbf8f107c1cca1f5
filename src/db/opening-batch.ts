import { Query, type QueryConfig, type QueryResult } from 'pg';

/**
 * A transaction's opening as one batch of the extended protocol: the
 * statements ahead of it (BEGIN, the identify step, the end of the
 * connection's previous read-only transaction) and the opening itself,
 * closed by a single Sync. PostgreSQL answers the batch with one
 * ReadyForQuery and one write, where a Sync per statement costs it one of
 * each; on this kind of machine each of PostgreSQL's writes costs as much as
 * a small statement (bench/RESULTS.md, "Issue 12").
 *
 * An error anywhere in the batch makes PostgreSQL skip the rest of it, and
 * fails the opening: the caller discards the connection (request-transaction.ts),
 * so no later batch trusts what this one left parsed or not.
 *
 * It is a pg `Query` (pg runs no other kind of query on a pipelined
 * connection) whose own statement is the opening; the statements ahead of it
 * are named prepared statements too, parsed on a connection's first batch.
 * Their answers are skipped: they return no rows, only a CommandComplete.
 */

/** A statement sent ahead of the opening: it must return no rows. */
export interface AheadStatement {
  name: string;
  text: string;
}

/** What pg's Query does with the protocol; not in its type declarations. */
interface QueryInternals {
  submit(connection: Connection): Error | null | undefined;
  handleCommandComplete(message: unknown, connection: Connection): void;
  handleReadyForQuery(connection: Connection): void;
}

interface Connection {
  parse(config: { text: string; name: string; types: unknown[] }): void;
  bind(config: { portal: string; statement: string; values: unknown[] }): void;
  execute(config: { portal: string }): void;
}

/** Per connection, the statements ahead that PostgreSQL holds prepared. */
const prepared = new WeakMap<Connection, Set<string>>();

const BaseQuery = Query as unknown as new (config: QueryConfig & { callback: Callback }) => QueryInternals;
type Callback = (error: Error | null, result: QueryResult) => void;

class OpeningBatch extends BaseQuery {
  /** CommandCompletes still to come from the statements ahead. */
  private aheadLeft: number;

  constructor(
    private readonly ahead: readonly AheadStatement[],
    config: QueryConfig & { name: string; callback: Callback },
  ) {
    super(config);
    this.aheadLeft = ahead.length;
  }

  override submit(connection: Connection): Error | null | undefined {
    const known = prepared.get(connection);
    for (const { name, text } of this.ahead) {
      if (!known?.has(name)) connection.parse({ text, name, types: [] });
      connection.bind({ portal: '', statement: name, values: [] });
      connection.execute({ portal: '' });
    }
    // The opening's Parse (once per connection), Bind, Describe, Execute and the batch's one Sync.
    return super.submit(connection);
  }

  override handleCommandComplete(message: unknown, connection: Connection): void {
    if (this.aheadLeft > 0) {
      this.aheadLeft -= 1;
      return;
    }
    super.handleCommandComplete(message, connection);
  }

  override handleReadyForQuery(connection: Connection): void {
    // No error reached this batch (pg ends a query at its error): every statement ahead is prepared now.
    let known = prepared.get(connection);
    if (!known) prepared.set(connection, (known = new Set()));
    for (const { name } of this.ahead) known.add(name);
    super.handleReadyForQuery(connection);
  }
}

/** Sends `ahead`, then the named statement `opening`, in one batch on `client`; resolves to the opening's result. */
export function queryAfter(
  client: { query(query: unknown): unknown },
  ahead: readonly AheadStatement[],
  opening: { name: string; text: string; values: unknown[] },
): Promise<QueryResult> {
  return new Promise((resolve, reject) => {
    client.query(
      new OpeningBatch(ahead, {
        ...opening,
        callback: (error, result) => (error ? reject(error) : resolve(result)),
      }),
    );
  });
}
