import type { EntityManager } from 'typeorm';

import { updateReturning } from '../../db/update-returning';
import { StoreSubscription } from '../../entities/subscriptions/store-subscription.entity';
import { Product } from '../../entities/tenancy/product.entity';
import { StorePlatform } from '../../entities/tenancy/store-platform.entity';
import { StoreUser } from '../../entities/tenancy/store-user.entity';
import type { LimitKind } from '../../services/subscriptions/limit-rules';
import { allowsAccessSql, effectiveLimitSql, governsStoreSql } from './subscription-rules.sql';

/**
 * The SQL statements of the subscription services: the subscription that
 * governs a store, and counting one order against it; a membership's
 * subscription on a platform and its tier; a store's usage against its
 * limits; a subscription's creation and changes. The rules they apply
 * (governsStore, allowsAccess, effectiveLimit) are built by the modules that
 * own them, so the statements and the TypeScript forms cannot drift apart.
 * The maintenance jobs' reads are in lifecycle.repository.ts.
 */

/**
 * The subscription of the store's membership that `membership` (an SQL
 * condition on `sp`, with its named `parameters`) picks, row-locked when
 * `lock` is set.
 */
function subscriptionOfStore(
  em: EntityManager,
  storeId: number,
  membership: string,
  parameters: Record<string, unknown>,
  lock: boolean,
): Promise<StoreSubscription | null> {
  const qb = em
    .createQueryBuilder(StoreSubscription, 'sub')
    .innerJoin('store_platforms', 'sp', `sp.id = sub.store_platform_id AND ${membership}`)
    .where('sp.store_id = :storeId', { ...parameters, storeId });
  if (lock) qb.setLock('pessimistic_write', undefined, ['sub']);
  return qb.getOne();
}

/** The subscription of the store's governing membership (`governsStore`), row-locked when `lock` is set. */
export function findGoverningSubscription(
  em: EntityManager,
  storeId: number,
  lock: boolean,
): Promise<StoreSubscription | null> {
  return subscriptionOfStore(em, storeId, governsStoreSql('sp'), {}, lock);
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

/**
 * The subscription of the store's live membership of the platform `platformCode`
 * (null: the store is not on it), row-locked when `lock` is set.
 */
export function findSubscriptionOnPlatform(
  em: EntityManager,
  storeId: number,
  platformCode: string,
  lock: boolean,
): Promise<StoreSubscription | null> {
  const onPlatform =
    'sp.deleted_at IS NULL AND sp.platform_id = (SELECT p.id FROM platforms p WHERE p.code = :platformCode)';
  return subscriptionOfStore(em, storeId, onPlatform, { platformCode }, lock);
}

/** Reads the subscription with this id, row-locked until the transaction ends (null: none). */
export function lockSubscription(em: EntityManager, id: number): Promise<StoreSubscription | null> {
  return em.findOne(StoreSubscription, { where: { id }, lock: { mode: 'pessimistic_write' } });
}

/** Writes a membership's tier, the copy of its subscription's tier that the membership carries. */
export async function setMembershipTier(em: EntityManager, membershipId: number, tierId: number): Promise<void> {
  await em.update(StorePlatform, { id: membershipId }, { tierId });
}

/** The fields of a new subscription of a membership. */
export type NewSubscription = Pick<
  StoreSubscription,
  'storePlatformId' | 'tierId' | 'status' | 'periodStart' | 'periodEnd' | 'trialEndsAt'
>;

/** Inserts a membership's subscription; returns it with its id and the columns' defaults. */
export function createSubscription(em: EntityManager, fields: NewSubscription): Promise<StoreSubscription> {
  return em.save(em.create(StoreSubscription, fields));
}

/** Writes the changes of a loaded subscription. */
export function saveSubscription(em: EntityManager, subscription: StoreSubscription): Promise<StoreSubscription> {
  return em.save(subscription);
}

/** Counts the store's live products or team members (its usage of that limit). */
export function storeUsage(em: EntityManager, storeId: number, kind: Exclude<LimitKind, 'orders'>): Promise<number> {
  return em.count(kind === 'products' ? Product : StoreUser, { where: { storeId } });
}
