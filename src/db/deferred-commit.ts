import type { Socket } from 'node:net';
import type { Pool, PoolClient } from 'pg';

/**
 * Fewer writes to PostgreSQL per request. On this kind of machine a socket
 * write is the costliest thing a small request does (a profile of the card
 * lookup: 17% of the CPU in pg's writes, more than all of GraphQL), so:
 *
 * - `batchWrites` holds what a request sends until the event loop's check
 *   phase and writes it at once: the transaction's opening and the
 *   statements its first resolvers send (the connections pipeline).
 * - `commitLater` ends a transaction that wrote nothing without a write of its
 *   own: its COMMIT goes out with whatever the connection is next asked
 *   (the pool's `acquire` sends it ahead of the next borrower's first
 *   statement, in the same write), or after IDLE_COMMIT_MS when nobody asks.
 */
const IDLE_COMMIT_MS = 5;

const pending = new WeakMap<PoolClient, NodeJS.Timeout>();
const watched = new WeakSet<Pool>();

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

/** Sends a deferred COMMIT now, if `client` owes one. */
function flush(client: PoolClient): void {
  const timer = pending.get(client);
  if (!timer) return;
  clearTimeout(timer);
  pending.delete(client);
  batchWrites(client);
  // Nothing was written in that transaction: should its COMMIT fail, nothing is lost.
  client.query('COMMIT').catch(() => undefined);
}

/** Makes `pool` send a client's deferred COMMIT before anything its next borrower sends. */
export function watchPool(pool: Pool): void {
  if (watched.has(pool)) return;
  watched.add(pool);
  pool.on('acquire', flush);
}

/**
 * Leaves `client`'s read-only transaction to be committed on its next use;
 * the caller releases it to a pool `watchPool` watches right after.
 */
export function commitLater(client: PoolClient): void {
  const timer = setTimeout(() => flush(client), IDLE_COMMIT_MS);
  timer.unref();
  pending.set(client, timer);
}
