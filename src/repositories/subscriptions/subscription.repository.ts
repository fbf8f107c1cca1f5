import type { EntityManager } from 'typeorm';
import { updateReturning } from '../../db/update-returning';
import { StoreSubscription } from '../../entities/subscriptions/store-subscription.entity';
import { allowsAccessSql, effectiveLimitSql, governsStoreSql } from './subscription-rules.sql';

/**
 * The SQL statements of the subscription services: the subscription that
 * governs a store, and counting one order against it. The rules they apply
 * (governsStore, allowsAccess, effectiveLimit) are built by the modules that
 * own them, so the statements and the TypeScript forms cannot drift apart.
 */

/** The subscription of the store's governing membership (`governsStore`), row-locked when `lock` is set. */
export function findGoverningSubscription(
  em: EntityManager,
  storeId: number,
  lock: boolean,
): Promise<StoreSubscription | null> {
  const qb = em
    .createQueryBuilder(StoreSubscription, 'sub')
    .innerJoin('store_platforms', 'sp', `sp.id = sub.store_platform_id AND ${governsStoreSql('sp')}`)
    .where('sp.store_id = :storeId', { storeId });
  if (lock) qb.setLock('pessimistic_write', undefined, ['sub']);
  return qb.getOne();
}

const ORDER_LIMIT = effectiveLimitSql('orders', 'sub');

/**
 * Counts one order on the store's governing subscription when it allows
 * access and is under its order limit, stamping when the limit is reached:
 * one conditional UPDATE, so concurrent orders never pass the limit.
 */
const COUNT_ORDER_SQL = `
  UPDATE store_subscriptions sub
     SET orders_this_period = sub.orders_this_period + 1,
         orders_limit_reached_at = CASE WHEN sub.orders_this_period + 1 >= ${ORDER_LIMIT}
           THEN COALESCE(sub.orders_limit_reached_at, $2) ELSE sub.orders_limit_reached_at END
    FROM store_platforms sp
   WHERE sp.id = sub.store_platform_id AND sp.store_id = $1 AND ${governsStoreSql('sp')}
     AND ${allowsAccessSql('sub')}
     AND (${ORDER_LIMIT} IS NULL OR sub.orders_this_period < ${ORDER_LIMIT})
   RETURNING sub.id`;

/** Whether one order of `storeId` was counted at `now` (false: no governing subscription, no access, or at the limit). */
export async function countOrder(em: EntityManager, storeId: number, now: Date): Promise<boolean> {
  const rows = await updateReturning<{ id: number }>(em, COUNT_ORDER_SQL, [storeId, now]);
  return rows.length > 0;
}
