import { AsyncLocalStorage } from 'node:async_hooks';
import type http from 'node:http';

import type { Pool, PoolClient } from 'pg';

/**
 * SQL statements per request for the peers of the benchmark (PostGraphile and
 * the raw baseline), counted the way our server counts them: every statement
 * a request sends (BEGIN/COMMIT included), reported in `x-sql-statements`.
 *
 * Only requests that carry `x-count-sql` are counted (the bench's probes
 * before the timed runs): the count follows the request through an
 * AsyncLocalStorage, whose promise hooks tax every promise on Node 20, so it
 * is switched off again once no counted request is in flight, and the timed
 * runs of the peers pay nothing for it, as our server pays nothing for its
 * own count.
 */
interface RequestCounter {
  statements: number;
}

const current = new AsyncLocalStorage<RequestCounter>();

/**
 * Wraps `query` of every client the pool opens. Callers must run their
 * statements on a client they awaited (`await pool.connect()`, as PostGraphile
 * does): `pool.query` runs the statement in pg-pool's connect callback, which,
 * when the pool is exhausted, runs in the async context of the request that
 * released the client, and the count would land on that request.
 */
export function countingPool(pool: Pool): Pool {
  pool.on('connect', (client: PoolClient) => {
    const query = client.query;
    client.query = function countedQuery(this: PoolClient, ...args: unknown[]) {
      const counter = current.getStore();
      if (counter) counter.statements += 1;
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as PoolClient['query'];
  });
  return pool;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => unknown;

let counting = 0;

/**
 * Runs `handler`, for a request with `x-count-sql`, with a fresh counter,
 * and puts the count in `x-sql-statements` when the head is written.
 */
export function withStatementCount(handler: Handler): Handler {
  return (req, res) => {
    if (!req.headers['x-count-sql']) return handler(req, res);
    counting += 1;
    res.once('close', () => {
      counting -= 1;
      if (counting === 0) current.disable();
    });
    const counter: RequestCounter = { statements: 0 };
    const writeHead = res.writeHead;
    // `end()` without an explicit writeHead goes through writeHead too (ServerResponse#_implicitHeader).
    res.writeHead = function countedWriteHead(this: http.ServerResponse, ...args: unknown[]) {
      if (!this.headersSent) this.setHeader('x-sql-statements', String(counter.statements));
      return (writeHead as (...a: unknown[]) => http.ServerResponse).apply(this, args);
    } as http.ServerResponse['writeHead'];
    return current.run(counter, () => handler(req, res));
  };
}

/** The port a bench child listens on (given by bench/run.ts). */
export function portFromEnv(): number {
  const port = Number(process.env.PORT);
  if (!Number.isInteger(port) || port <= 0) throw new Error('PORT must be set to a port number');
  return port;
}

export function databaseUrlFromEnv(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL must be set');
  return url;
}

export function poolSizeFromEnv(): number {
  const size = Number(process.env.DB_POOL_SIZE || 10);
  if (!Number.isInteger(size) || size < 1) throw new Error('DB_POOL_SIZE must be a positive integer');
  return size;
}
