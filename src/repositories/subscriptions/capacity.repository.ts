import { Between, type EntityManager } from 'typeorm';

import { CapacitySnapshot } from '../../entities/subscriptions/capacity-snapshot.entity';
import { allowsAccessSql, effectiveLimitSql } from './subscription-rules.sql';

/**
 * The capacity snapshot's one statement: counts, tier distribution and the
 * theoretical limits of the subscriptions that allow access (each limit as
 * effectiveLimit has it, built by effectiveLimitSql), the database's size
 * and the process load given, upserted as the day of $1's row.
 */
const ACTIVE = allowsAccessSql('sub');
const SNAPSHOT_SQL = `WITH live_subs AS (
     SELECT sub.*, sp.store_id FROM store_subscriptions sub
       JOIN store_platforms sp ON sp.id = sub.store_platform_id AND sp.deleted_at IS NULL
       JOIN stores s ON s.id = sp.store_id AND s.deleted_at IS NULL
   )
   INSERT INTO capacity_snapshots AS snap (
     snapshot_date, total_stores, active_stores, trial_stores, total_subscriptions, active_subscriptions,
     total_products, total_orders_month, total_team_members, storage_used_gb, db_size_mb,
     theoretical_products_limit, theoretical_orders_limit, theoretical_team_limit, tier_distribution,
     peak_cpu_percent, peak_memory_percent)
   SELECT date_trunc('day', $1::timestamptz),
     (SELECT count(*) FROM stores WHERE deleted_at IS NULL),
     (SELECT count(DISTINCT sub.store_id) FROM live_subs sub JOIN stores s ON s.id = sub.store_id
       WHERE s.is_active AND ${ACTIVE}),
     (SELECT count(DISTINCT store_id) FROM live_subs WHERE status = 'TRIAL'),
     (SELECT count(*) FROM live_subs),
     (SELECT count(*) FROM live_subs sub WHERE ${ACTIVE}),
     (SELECT count(*) FROM products WHERE deleted_at IS NULL),
     (SELECT count(*) FROM orders WHERE deleted_at IS NULL AND placed_at >= date_trunc('month', $1::timestamptz)),
     (SELECT count(*) FROM store_users WHERE deleted_at IS NULL),
     (SELECT round(coalesce(sum(pg_total_relation_size(c.oid)), 0) / 1024.0 ^ 3, 2)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r'),
     round(pg_database_size(current_database()) / 1024.0 ^ 2, 2),
     (SELECT sum(${effectiveLimitSql('products', 'sub')}) FROM live_subs sub WHERE ${ACTIVE}),
     (SELECT sum(${effectiveLimitSql('orders', 'sub')}) FROM live_subs sub WHERE ${ACTIVE}),
     (SELECT sum(${effectiveLimitSql('teamMembers', 'sub')}) FROM live_subs sub WHERE ${ACTIVE}),
     (SELECT coalesce(jsonb_object_agg(code, n), '{}'::jsonb) FROM (
        SELECT coalesce(tier.code, 'none') AS code, count(*) AS n FROM live_subs sub
          LEFT JOIN subscription_tiers tier ON tier.id = sub.tier_id WHERE ${ACTIVE} GROUP BY 1) d),
     $2, $3
   ON CONFLICT (snapshot_date) DO UPDATE SET
     total_stores = EXCLUDED.total_stores, active_stores = EXCLUDED.active_stores, trial_stores = EXCLUDED.trial_stores,
     total_subscriptions = EXCLUDED.total_subscriptions, active_subscriptions = EXCLUDED.active_subscriptions,
     total_products = EXCLUDED.total_products, total_orders_month = EXCLUDED.total_orders_month,
     total_team_members = EXCLUDED.total_team_members, storage_used_gb = EXCLUDED.storage_used_gb,
     db_size_mb = EXCLUDED.db_size_mb, theoretical_products_limit = EXCLUDED.theoretical_products_limit,
     theoretical_orders_limit = EXCLUDED.theoretical_orders_limit, theoretical_team_limit = EXCLUDED.theoretical_team_limit,
     tier_distribution = EXCLUDED.tier_distribution, peak_cpu_percent = EXCLUDED.peak_cpu_percent,
     peak_memory_percent = EXCLUDED.peak_memory_percent, updated_at = now()
   RETURNING snap.id`;

/** Writes (or refreshes) the capacity snapshot of `now`'s day; returns its id. */
export async function upsertCapacitySnapshot(
  em: EntityManager,
  now: Date,
  load: { cpuPercent: number; memoryPercent: number },
): Promise<number> {
  const [row] = (await em.query(SNAPSHOT_SQL, [now, load.cpuPercent, load.memoryPercent])) as Array<{ id: number }>;
  return row.id;
}

/** Reads the capacity snapshot with this id (it must exist: it was just written). */
export function capacitySnapshotById(em: EntityManager, id: number): Promise<CapacitySnapshot> {
  return em.findOneByOrFail(CapacitySnapshot, { id });
}

/** Reads the daily snapshots dated from `from` to `to` (both included), oldest first. */
export function capacitySnapshotsBetween(em: EntityManager, from: Date, to: Date): Promise<CapacitySnapshot[]> {
  return em.find(CapacitySnapshot, { where: { snapshotDate: Between(from, to) }, order: { snapshotDate: 'ASC' } });
}
