import type { EntityManager } from 'typeorm';

import { SubscriptionStatus } from '../../entities/subscriptions/enums';
import { StoreSubscription } from '../../entities/subscriptions/store-subscription.entity';
import { ROLLS_OVER_AT_PERIOD_END } from '../../services/subscriptions/subscription-rules';

/**
 * The reads of the lifecycle's maintenance jobs. Each locks the rows it
 * returns and skips those another worker holds, so jobs running at once
 * share the work instead of waiting on each other.
 */

/** The subscriptions whose period ended by `now` and that roll over (ROLLS_OVER_AT_PERIOD_END), locked. */
export function subscriptionsDueForRollover(em: EntityManager, now: Date): Promise<StoreSubscription[]> {
  return em
    .createQueryBuilder(StoreSubscription, 'sub')
    .where('sub.period_end <= :now', { now })
    .andWhere('sub.status IN (:...statuses)', { statuses: ROLLS_OVER_AT_PERIOD_END })
    .setLock('pessimistic_write')
    .setOnLocked('skip_locked')
    .getMany();
}

/** The TRIAL subscriptions whose trial ended by `now`, locked. */
export function trialsDueToEnd(em: EntityManager, now: Date): Promise<StoreSubscription[]> {
  return em
    .createQueryBuilder(StoreSubscription, 'sub')
    .where('sub.status = :trial', { trial: SubscriptionStatus.TRIAL })
    .andWhere('sub.trial_ends_at <= :now', { now })
    .setLock('pessimistic_write')
    .setOnLocked('skip_locked')
    .getMany();
}
