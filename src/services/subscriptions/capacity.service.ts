import os from 'node:os';
import type { EntityManager } from 'typeorm';
import { ACCESS_STATUSES } from '../../entities/subscriptions/enums';
import { CapacitySnapshot } from '../../entities/subscriptions/capacity-snapshot.entity';
import { clock } from '../clock';

const LIMIT = (column: string, custom: string) => `COALESCE(sub.${custom}, tier.${column})`;

/**
 * CAPACITY_SNAPSHOT: one row per day (re-running the same day refreshes it)
 * with what can be measured: counts, tier distribution, the theoretical
 * limits of active subscriptions (sum of the limited ones; unlimited ones
 * add nothing), database size, and this process's CPU load and memory share.
 * Response times are not measured here, so `avgResponseMs` stays null.
 */
export async function takeCapacitySnapshot(em: EntityManager): Promise<CapacitySnapshot> {
  const now = clock.now();
  const active = `sub.status = ANY($2::subscription_status[])`;
  const cpus = os.cpus().length || 1;
  const [row] = (await em.query(
    `WITH live_subs AS (
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
         WHERE s.is_active AND ${active}),
       (SELECT count(DISTINCT store_id) FROM live_subs WHERE status = 'TRIAL'),
       (SELECT count(*) FROM live_subs),
       (SELECT count(*) FROM live_subs sub WHERE ${active}),
       (SELECT count(*) FROM products WHERE deleted_at IS NULL),
       (SELECT count(*) FROM orders WHERE deleted_at IS NULL AND placed_at >= date_trunc('month', $1::timestamptz)),
       (SELECT count(*) FROM store_users WHERE deleted_at IS NULL),
       (SELECT round(coalesce(sum(pg_total_relation_size(c.oid)), 0) / 1024.0 ^ 3, 2)
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r'),
       round(pg_database_size(current_database()) / 1024.0 ^ 2, 2),
       (SELECT sum(${LIMIT('products_limit', 'custom_products_limit')}) FROM live_subs sub
          LEFT JOIN subscription_tiers tier ON tier.id = sub.tier_id WHERE ${active}),
       (SELECT sum(${LIMIT('orders_per_month', 'custom_orders_limit')}) FROM live_subs sub
          LEFT JOIN subscription_tiers tier ON tier.id = sub.tier_id WHERE ${active}),
       (SELECT sum(${LIMIT('team_members', 'custom_team_limit')}) FROM live_subs sub
          LEFT JOIN subscription_tiers tier ON tier.id = sub.tier_id WHERE ${active}),
       (SELECT coalesce(jsonb_object_agg(code, n), '{}'::jsonb) FROM (
          SELECT coalesce(tier.code, 'none') AS code, count(*) AS n FROM live_subs sub
            LEFT JOIN subscription_tiers tier ON tier.id = sub.tier_id WHERE ${active} GROUP BY 1) d),
       $3, $4
     ON CONFLICT (snapshot_date) DO UPDATE SET
       total_stores = EXCLUDED.total_stores, active_stores = EXCLUDED.active_stores, trial_stores = EXCLUDED.trial_stores,
       total_subscriptions = EXCLUDED.total_subscriptions, active_subscriptions = EXCLUDED.active_subscriptions,
       total_products = EXCLUDED.total_products, total_orders_month = EXCLUDED.total_orders_month,
       total_team_members = EXCLUDED.total_team_members, storage_used_gb = EXCLUDED.storage_used_gb,
       db_size_mb = EXCLUDED.db_size_mb, theoretical_products_limit = EXCLUDED.theoretical_products_limit,
       theoretical_orders_limit = EXCLUDED.theoretical_orders_limit, theoretical_team_limit = EXCLUDED.theoretical_team_limit,
       tier_distribution = EXCLUDED.tier_distribution, peak_cpu_percent = EXCLUDED.peak_cpu_percent,
       peak_memory_percent = EXCLUDED.peak_memory_percent, updated_at = now()
     RETURNING snap.id`,
    [
      now,
      ACCESS_STATUSES,
      Math.min(999.99, Math.round((os.loadavg()[0] / cpus) * 10000) / 100),
      Math.round((process.memoryUsage().rss / os.totalmem()) * 10000) / 100,
    ],
  )) as Array<{ id: number }>;
  return em.findOneByOrFail(CapacitySnapshot, { id: row.id });
}
