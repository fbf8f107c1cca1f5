import type { StoreSubscription } from '../../entities/subscriptions/store-subscription.entity';
import type { SubscriptionTier } from '../../entities/subscriptions/subscription-tier.entity';
import type { StorePlatform } from '../../entities/tenancy/store-platform.entity';
import { allowsAccess } from './limits';

/**
 * Two rules of subscriptions: which subscription governs a store, and whether
 * it grants a feature. Statements that must apply them inside the database
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

/** Whether a store's governing subscription (on `tier`) grants feature `code`: it allows access and its tier lists it. */
export const grantsFeature = (subscription: StoreSubscription, tier: SubscriptionTier | null, code: string): boolean =>
  allowsAccess(subscription) && !!tier?.featureCodes.includes(code);
