/** Database: preflight, fixture, ledger check. */
import { Client } from 'pg';

import type { Settings } from './settings';
import { UsageError } from './settings';
import { errorMessage } from './util';
import type { StampCard } from './workloads';

export async function withDb<T>(url: string, fn: (db: Client) => Promise<T>): Promise<T> {
  const db = new Client({ connectionString: url });
  try {
    await db.connect();
  } catch (err) {
    throw new UsageError(`cannot connect to DATABASE_URL: ${errorMessage(err)}`);
  }
  try {
    return await fn(db);
  } finally {
    await db.end();
  }
}

export interface DataInfo {
  pgVersion: string;
  liveStores: number;
  liveCards: number;
  merchants: number;
  /** The ADMIN's user id (null: none). */
  adminId: number | null;
}

export async function preflight(db: Client, s: Settings): Promise<DataInfo> {
  const { rows: schema } = await db.query<{ cards: string | null; admin: string | null }>(
    `SELECT to_regclass('public.loyalty_cards')::text AS cards, to_regclass('public.users')::text AS admin`,
  );
  if (!schema[0].cards || !schema[0].admin) {
    throw new UsageError(
      'the database behind DATABASE_URL has no Orion schema (no loyalty_cards table): fill it with `npm run seed:bench` first',
    );
  }
  const { rows } = await db.query<DataInfo>(
    `SELECT current_setting('server_version') AS "pgVersion",
            (SELECT count(*)::int FROM stores WHERE deleted_at IS NULL) AS "liveStores",
            (SELECT count(*)::int FROM loyalty_cards WHERE deleted_at IS NULL) AS "liveCards",
            (SELECT count(*)::int FROM merchants WHERE deleted_at IS NULL) AS "merchants",
            (SELECT id FROM users WHERE lower(email) = lower($1) AND role = 'ADMIN' AND deleted_at IS NULL) AS "adminId"`,
    [s.adminEmail],
  );
  const info = rows[0];
  if (info.liveStores === 0 || info.liveCards === 0 || info.adminId === null) {
    throw new UsageError(
      `the database is not seeded for the benchmark (${info.liveStores} live stores, ${info.liveCards} live cards, ` +
        `ADMIN ${s.adminEmail} ${info.adminId !== null ? 'present' : 'missing'}): run \`npm run seed:bench\` first ` +
        '(or set BENCH_ADMIN_EMAIL / BENCH_ADMIN_PASSWORD)',
    );
  }
  return info;
}

export async function lookupCards(db: Client, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ card_number: string }>(
    `SELECT c.card_number
       FROM loyalty_cards c
       JOIN loyalty_programs p ON p.id = c.program_id AND p.deleted_at IS NULL
       JOIN merchants m ON m.id = c.merchant_id AND m.deleted_at IS NULL
       JOIN customers cu ON cu.id = c.customer_id AND cu.deleted_at IS NULL
      WHERE c.deleted_at IS NULL
      ORDER BY md5(c.id::text)
      LIMIT $1`,
    [limit],
  );
  return rows.map((r) => r.card_number);
}

/**
 * Cards that can take a stamp and points right now through a store of their
 * merchant on the loyalty platform: live and active, HYBRID program without
 * PIN or cooldown, below the daily stamp cap (counted over 24 h), and whose
 * ledger already matches its balances (so a mismatch afterwards is ours).
 */
export async function stampPool(
  db: Client,
  limit: number,
): Promise<{ pool: StampCard[]; inconsistent: number; minLeft: number }> {
  const { rows } = await db.query<{
    card_number: string;
    store_id: number;
    purchase_cents: number;
    stamps_left: number;
    consistent: boolean;
  }>(
    `WITH loyalty_store AS (
       SELECT DISTINCT ON (s.merchant_id) s.merchant_id, s.id AS store_id
         FROM stores s
         JOIN store_platforms sp ON sp.store_id = s.id AND sp.deleted_at IS NULL AND sp.is_active
         JOIN platforms pl ON pl.id = sp.platform_id AND pl.code = 'loyalty'
         JOIN store_subscriptions sub ON sub.store_platform_id = sp.id
              AND sub.status IN ('TRIAL', 'ACTIVE', 'PAST_DUE')
        WHERE s.deleted_at IS NULL AND s.is_active
        ORDER BY s.merchant_id, s.id)
     SELECT c.card_number, ls.store_id, p.minimum_purchase_cents AS purchase_cents,
            p.max_daily_stamps - (SELECT count(*)::int FROM loyalty_transactions t
                                   WHERE t.card_id = c.id AND t.type = 'STAMP_EARNED'
                                     AND t.created_at > now() - interval '1 day') AS stamps_left,
            (c.stamp_count = l.stamps AND c.points_balance = l.points) AS consistent
       FROM loyalty_cards c
       JOIN merchants m ON m.id = c.merchant_id AND m.deleted_at IS NULL
       JOIN loyalty_programs p ON p.id = c.program_id AND p.merchant_id = c.merchant_id AND p.deleted_at IS NULL
            AND p.is_active AND p.loyalty_type = 'HYBRID' AND NOT p.require_staff_pin AND p.cooldown_minutes = 0
       JOIN loyalty_store ls ON ls.merchant_id = c.merchant_id
       CROSS JOIN LATERAL (SELECT coalesce(sum(t.stamps_delta), 0)::int AS stamps,
                                  coalesce(sum(t.points_delta), 0)::int AS points
                             FROM loyalty_transactions t WHERE t.card_id = c.id) l
      WHERE c.deleted_at IS NULL AND c.is_active
      ORDER BY random()
      LIMIT $1`,
    [limit],
  );
  const usable = rows.filter((r) => r.consistent && r.stamps_left > 0);
  const pool = usable.map((r) => ({ cardNumber: r.card_number, storeId: r.store_id, purchaseCents: r.purchase_cents }));
  if (pool.length > 1 && pool.length % 2 === 0) pool.pop();
  return {
    pool,
    inconsistent: rows.filter((r) => !r.consistent).length,
    minLeft: usable.reduce((min, r) => Math.min(min, r.stamps_left), usable.length ? Infinity : 0),
  };
}

export interface LedgerCheck {
  rowsWritten: number;
  byType: Record<string, number>;
  cardsTouched: number;
  mismatched: number;
  sample: string[];
}

/** Every card written since `afterId`: sum of the ledger == balances, and its last row == balances. */
export async function ledgerCheck(db: Client, afterId: number): Promise<LedgerCheck> {
  const { rows: types } = await db.query<{ type: string; n: number }>(
    `SELECT type::text, count(*)::int AS n FROM loyalty_transactions WHERE id > $1 GROUP BY type ORDER BY type`,
    [afterId],
  );
  const { rows } = await db.query<{ cards: number; mismatched: number; sample: string[] | null }>(
    `WITH touched AS (SELECT DISTINCT card_id FROM loyalty_transactions WHERE id > $1),
     checked AS (
       SELECT c.id, c.card_number, c.stamp_count, c.points_balance, l.*
         FROM touched t
         JOIN loyalty_cards c ON c.id = t.card_id
         CROSS JOIN LATERAL (
           SELECT coalesce(sum(x.stamps_delta), 0)::int AS stamps, coalesce(sum(x.points_delta), 0)::int AS points,
                  (array_agg(x.stamps_after ORDER BY x.id DESC))[1] AS last_stamps,
                  (array_agg(x.points_after ORDER BY x.id DESC))[1] AS last_points
             FROM loyalty_transactions x WHERE x.card_id = c.id) l)
     SELECT count(*)::int AS cards,
            count(*) FILTER (WHERE stamp_count <> stamps OR points_balance <> points
                               OR stamp_count <> last_stamps OR points_balance <> last_points)::int AS mismatched,
            (array_agg(card_number || ': stamps ' || stamp_count || ' vs ledger ' || stamps ||
                       ', points ' || points_balance || ' vs ledger ' || points)
               FILTER (WHERE stamp_count <> stamps OR points_balance <> points
                         OR stamp_count <> last_stamps OR points_balance <> last_points))[1:5] AS sample
       FROM checked`,
    [afterId],
  );
  return {
    rowsWritten: types.reduce((sum, t) => sum + t.n, 0),
    byType: Object.fromEntries(types.map((t) => [t.type, t.n])),
    cardsTouched: rows[0].cards,
    mismatched: rows[0].mismatched,
    sample: rows[0].sample ?? [],
  };
}
