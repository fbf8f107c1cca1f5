import type { Socket } from 'node:net';

import type { PoolClient } from 'pg';

/**
 * Fewer writes and answers between us and PostgreSQL per request. On this
 * kind of machine a socket write is the costliest thing a small request does
 * (in a profile of the card lookup pg's writes took more CPU than all of
 * GraphQL; see bench/RESULTS.md), on both sides of the connection, so:
 *
 * - `batchWrites` holds what a request sends until the event loop's check
 *   phase and writes it at once: the transaction's opening and the
 *   statements its first resolvers send (the connections pipeline).
 * - `endLater` leaves a read-only transaction open when its connection goes
 *   back to the pool. Its end is owed: the next transaction opened on the
 *   connection takes it into its opening's batch (`takeOwedEnd`); anything
 *   else asked of the connection first sends it on its own; so does a timer
 *   after IDLE_END_MS when nobody asks.
 *
 * The end owed is ROLLBACK: the transaction was READ ONLY, which PostgreSQL
 * enforced, so it has nothing to commit, and ROLLBACK cannot fail. That
 * matters: an end that failed would make PostgreSQL skip the rest of the
 * batch it rides in, BEGIN included.
 */
const IDLE_END_MS = 5;
export const READ_ONLY_END = 'ROLLBACK';

const owed = new WeakMap<PoolClient, NodeJS.Timeout>();
const watched = new WeakSet<PoolClient>();

function streamOf(client: PoolClient): Socket {
  return (client as unknown as { connection: { stream: Socket } }).connection.stream;
}

/** Until the next check phase, what is queried on `client` is written in one go. */
export function batchWrites(client: PoolClient): void {
  const stream = streamOf(client);
  if (stream.writableCorked) return;
  stream.cork();
  setImmediate(() => stream.uncork());
}

/** Whether `client` owed the end of a read-only transaction; the caller now sends it. */
export function takeOwedEnd(client: PoolClient): boolean {
  const timer = owed.get(client);
  if (!timer) return false;
  clearTimeout(timer);
  owed.delete(client);
  return true;
}

/** Sends the end `client` owes, if it owes one, before whatever it is asked next. */
function payOwedEnd(client: PoolClient): void {
  if (!takeOwedEnd(client)) return;
  batchWrites(client);
  client.query(READ_ONLY_END).catch(() => undefined);
}

/**
 * Leaves `client`'s READ ONLY transaction to be ended on its next use; the
 * caller releases it to the pool right after.
 */
export function endLater(client: PoolClient): void {
  if (!watched.has(client)) {
    watched.add(client);
    const query = client.query;
    client.query = function (this: PoolClient, ...args: unknown[]) {
      payOwedEnd(client);
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as PoolClient['query'];
  }
  const timer = setTimeout(() => payOwedEnd(client), IDLE_END_MS);
  timer.unref();
  owed.set(client, timer);
}
