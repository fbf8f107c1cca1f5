import type { StoreSubscription } from '../../entities/subscriptions/store-subscription.entity';
import type { SubscriptionTier } from '../../entities/subscriptions/subscription-tier.entity';
import type { StorePlatform } from '../../entities/tenancy/store-platform.entity';
import { allowsAccess, allowsAccessSql } from './limits';

/**
 * Two rules of subscriptions, each in TypeScript and, for the statements that
 * must apply it inside the database, as SQL built here: which subscription
 * governs a store, and whether it grants a feature. Change a rule here and
 * both forms change (test/subscriptions/rules-sql.test.ts holds them equal).
 */

/**
 * Whether a membership's subscription governs its store's orders, products,
 * team and features: the store's live primary membership (at most one, by
 * the uq_store_platform_one_primary index).
 */
export const governsStore = (membership: Pick<StorePlatform, 'isPrimary' | 'deletedAt'>): boolean =>
  membership.isPrimary && membership.deletedAt === null;

/** `governsStore` as an SQL condition on the store_platforms row `sp` names. */
export const governsStoreSql = (sp: string): string => `${sp}.is_primary AND ${sp}.deleted_at IS NULL`;

/** Whether a store's governing subscription (on `tier`) grants feature `code`: it allows access and its tier lists it. */
export const grantsFeature = (subscription: StoreSubscription, tier: SubscriptionTier | null, code: string): boolean =>
  allowsAccess(subscription) && !!tier?.featureCodes.includes(code);

/**
 * Whether the store `store` (an SQL expression) has a governing subscription
 * that grants the feature `code` (an SQL text expression), as one SQL
 * condition: `governsStore` and `grantsFeature` for a statement that must
 * answer it itself (an API key's opening). Aliases of its own.
 */
export const storeGrantsFeatureSql = (store: string, code: string): string => `EXISTS (
  SELECT 1 FROM store_platforms gf_sp
    JOIN store_subscriptions gf_sub ON gf_sub.store_platform_id = gf_sp.id
    JOIN subscription_tiers gf_t ON gf_t.id = gf_sub.tier_id
   WHERE gf_sp.store_id = ${store} AND ${governsStoreSql('gf_sp')}
     AND ${allowsAccessSql('gf_sub')} AND gf_t.features @> jsonb_build_array(${code}))`;
