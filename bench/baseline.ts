/**
 * The raw baseline of the benchmark, the practical limit of this data on this
 * stack: node:http + pg, one hand-written SQL statement per request that
 * builds the whole JSON answer, no GraphQL, no auth. Each statement is a
 * named prepared statement (parsed and planned once per connection, not per
 * request), and the page of stores builds each tier's JSON (with its
 * features) once per statement in a CTE, not once per membership. Started by
 * bench/run.ts (compiled to dist/bench); env: DATABASE_URL, PORT,
 * DB_POOL_SIZE.
 *
 *   GET /stores?first=N   the first N live stores (id order) with merchant name,
 *                         live memberships, platform code, tier code and features
 *   GET /card?number=X    a live card by number with its program and customer
 *   GET /healthz
 */
import http from 'node:http';

import { Pool } from 'pg';

import { countingPool, databaseUrlFromEnv, poolSizeFromEnv, portFromEnv, withStatementCount } from './sql-count';

/**
 * The page of stores: the page, its live memberships, each tier on the page
 * built once (MATERIALIZED: not pulled up into the join, where its JSON would
 * be built per membership again), then the memberships per store.
 */
export const STORES_SQL = `
WITH page AS (
  SELECT id, store_code, name, merchant_id FROM stores
   WHERE deleted_at IS NULL ORDER BY id LIMIT $1),
members AS (
  SELECT sp.id, sp.store_id, sp.is_primary, sp.platform_id, sp.tier_id
    FROM store_platforms sp
   WHERE sp.store_id IN (SELECT id FROM page) AND sp.deleted_at IS NULL),
tiers AS MATERIALIZED (
  SELECT t.id, json_build_object(
           'code', t.code,
           'features', (SELECT coalesce(json_agg(json_build_object('code', f.code) ORDER BY f.id), '[]'::json)
                          FROM features f WHERE t.features ? f.code)) AS tier
    FROM subscription_tiers t
   WHERE t.id IN (SELECT tier_id FROM members)),
memberships AS (
  SELECT m.store_id, json_agg(json_build_object(
           'isPrimary', m.is_primary,
           'platform', json_build_object('code', p.code),
           'tier', t.tier
         ) ORDER BY m.id) AS platforms
    FROM members m
    JOIN platforms p ON p.id = m.platform_id
    LEFT JOIN tiers t ON t.id = m.tier_id
   GROUP BY m.store_id)
SELECT json_build_object('stores', coalesce(json_agg(json_build_object(
         'id', s.id,
         'storeCode', s.store_code,
         'name', s.name,
         'merchant', json_build_object('name', mc.name),
         'platforms', coalesce(ms.platforms, '[]'::json)
       ) ORDER BY s.id), '[]'::json))::text AS body
  FROM page s
  JOIN merchants mc ON mc.id = s.merchant_id
  LEFT JOIN memberships ms ON ms.store_id = s.id`;

/**
 * The page of stores as first written: the tier's features built by a
 * subquery per membership. Not served: bench/run/equivalence.ts checks that
 * STORES_SQL answers exactly what this does.
 */
export const STORES_SQL_REFERENCE = `
SELECT json_build_object('stores', coalesce(json_agg(json_build_object(
         'id', s.id,
         'storeCode', s.store_code,
         'name', s.name,
         'merchant', json_build_object('name', m.name),
         'platforms', (
           SELECT coalesce(json_agg(json_build_object(
                    'isPrimary', sp.is_primary,
                    'platform', json_build_object('code', p.code),
                    'tier', CASE WHEN t.id IS NULL THEN NULL ELSE json_build_object(
                      'code', t.code,
                      'features', (SELECT coalesce(json_agg(json_build_object('code', f.code) ORDER BY f.id), '[]'::json)
                                     FROM features f WHERE t.features ? f.code)) END
                  ) ORDER BY sp.id), '[]'::json)
             FROM store_platforms sp
             JOIN platforms p ON p.id = sp.platform_id
             LEFT JOIN subscription_tiers t ON t.id = sp.tier_id
            WHERE sp.store_id = s.id AND sp.deleted_at IS NULL)
       ) ORDER BY s.id), '[]'::json))::text AS body
  FROM (SELECT id, store_code, name, merchant_id FROM stores
         WHERE deleted_at IS NULL ORDER BY id LIMIT $1) s
  JOIN merchants m ON m.id = s.merchant_id`;

export const CARD_SQL = `
SELECT json_build_object('card', json_build_object(
         'id', c.id,
         'cardNumber', c.card_number,
         'stampCount', c.stamp_count,
         'pointsBalance', c.points_balance,
         'isActive', c.is_active,
         'program', json_build_object('id', p.id, 'loyaltyType', p.loyalty_type, 'stampsTarget', p.stamps_target,
                                      'pointsPerEuro', p.points_per_euro, 'isActive', p.is_active),
         'customer', CASE WHEN cu.id IS NULL THEN NULL
                          ELSE json_build_object('id', cu.id, 'email', cu.email, 'name', cu.name) END))::text AS body
  FROM loyalty_cards c
  JOIN loyalty_programs p ON p.id = c.program_id
  LEFT JOIN customers cu ON cu.id = c.customer_id AND cu.deleted_at IS NULL
 WHERE c.card_number = $1 AND c.deleted_at IS NULL`;

function send(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

function main(): void {
  const pool = countingPool(new Pool({ connectionString: databaseUrlFromEnv(), max: poolSizeFromEnv() }));
  pool.on('error', (err) => console.error('baseline pool error:', err.message));

  /**
   * One named prepared statement on a pooled client (pg prepares `name` once
   * per connection, then only binds and executes). Not `pool.query`: it hands
   * a waiting caller its client in a callback run from the releasing
   * request's async context, so the statement would be counted into the
   * wrong request.
   */
  async function query(name: string, text: string, values: unknown[]): Promise<Array<{ body: string }>> {
    const client = await pool.connect();
    try {
      return (await client.query<{ body: string }>({ name, text, values })).rows;
    } finally {
      client.release();
    }
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET') return send(res, 405, '{"error":"GET only"}');
    if (url.pathname === '/healthz') return send(res, 200, '{"status":"ok"}');
    if (url.pathname === '/stores') {
      const first = Number(url.searchParams.get('first') ?? 20);
      if (!Number.isInteger(first) || first < 0 || first > 100) return send(res, 400, '{"error":"first: 0-100"}');
      const rows = await query('bench_stores', STORES_SQL, [first]);
      return send(res, 200, rows[0].body);
    }
    if (url.pathname === '/card') {
      const number = url.searchParams.get('number');
      if (!number) return send(res, 400, '{"error":"number is required"}');
      const rows = await query('bench_card', CARD_SQL, [number]);
      return send(res, 200, rows[0]?.body ?? '{"card":null}');
    }
    return send(res, 404, '{"error":"not found"}');
  }

  const server = http.createServer(
    withStatementCount((req, res) =>
      handle(req, res).catch((err: unknown) => {
        console.error('baseline request failed:', err instanceof Error ? err.message : err);
        if (!res.headersSent) send(res, 500, '{"error":"internal"}');
        else res.destroy();
      }),
    ),
  );
  server.keepAliveTimeout = 65_000;
  server.listen(portFromEnv(), '127.0.0.1', () => console.log(`baseline listening on 127.0.0.1:${portFromEnv()}`));

  const stop = () => {
    server.close();
    server.closeAllConnections();
    void pool.end().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (require.main === module) main();
