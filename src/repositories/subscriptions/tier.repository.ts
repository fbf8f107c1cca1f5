import type { EntityManager } from 'typeorm';

import { SubscriptionTier } from '../../entities/subscriptions/subscription-tier.entity';

/**
 * The statements of the tier catalogue outside the request's cached
 * catalogue (ctx.loaders.catalog): a tier read inside a write's transaction,
 * and ADMIN's locked edit of one.
 */

/** Reads the tier with this id (null: none). */
export function tierById(em: EntityManager, id: number): Promise<SubscriptionTier | null> {
  return em.findOneBy(SubscriptionTier, { id });
}

/** Reads the tier with this id, row-locked until the transaction ends (null: none). */
export function lockTier(em: EntityManager, id: number): Promise<SubscriptionTier | null> {
  return em.findOne(SubscriptionTier, { where: { id }, lock: { mode: 'pessimistic_write' } });
}

/** Writes the changes of a loaded tier. */
export function saveTier(em: EntityManager, tier: SubscriptionTier): Promise<SubscriptionTier> {
  return em.save(tier);
}
