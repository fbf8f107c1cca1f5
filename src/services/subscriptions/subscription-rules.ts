import { SubscriptionStatus } from '../../entities/subscriptions/enums';
import type { StoreSubscription } from '../../entities/subscriptions/store-subscription.entity';
import type { SubscriptionTier } from '../../entities/subscriptions/subscription-tier.entity';
import type { StorePlatform } from '../../entities/tenancy/store-platform.entity';
import { allowsAccess } from './limit-rules';

/**
 * Rules of subscriptions: which subscription governs a store, which
 * membership puts a store on a platform, whether a subscription grants a
 * feature, and which ones roll over at their period's end. Statements that must apply them inside the database
 * use their SQL forms (src/repositories/subscriptions/subscription-rules.sql.ts);
 * test/subscriptions/rules-sql.test.ts holds each pair to the same answers.
 */

/**
 * Whether a membership's subscription governs its store's orders, products,
 * team and features: the store's live primary membership (at most one, by
 * the uq_store_platform_one_primary index).
 */
export const governsStore = (membership: Pick<StorePlatform, 'isPrimary' | 'deletedAt'>): boolean =>
  membership.isPrimary && membership.deletedAt === null;

/**
 * Whether a membership puts its store on its platform for that platform's own
 * work (loyalty operations, a storefront found by its Host): live and active,
 * primary or not. Its subscription, not the governing one, then decides
 * whether that work may run.
 */
export const activeOnPlatform = (membership: Pick<StorePlatform, 'isActive' | 'deletedAt'>): boolean =>
  membership.isActive && membership.deletedAt === null;

/** Whether a store's governing subscription (on `tier`) grants feature `code`: it allows access and its tier lists it. */
export const grantsFeature = (subscription: StoreSubscription, tier: SubscriptionTier | null, code: string): boolean =>
  allowsAccess(subscription) && !!tier?.featureCodes.includes(code);

/**
 * The statuses whose period rolls over at its end (PERIOD_ROLLOVER): paid
 * ones start a new period, CANCELLED ones expire. TRIAL ends by TRIAL_EXPIRY;
 * EXPIRED is final.
 */
export const ROLLS_OVER_AT_PERIOD_END: readonly SubscriptionStatus[] = [
  SubscriptionStatus.ACTIVE,
  SubscriptionStatus.PAST_DUE,
  SubscriptionStatus.CANCELLED,
];
