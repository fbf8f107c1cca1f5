import { DomainError, isUniqueViolation, notFound, UserErrorCode } from '../../common/errors';
import { idOf } from '../../common/global-id';
import type { Context } from '../../context';
import type { CapacitySnapshot } from '../../entities/subscriptions/capacity-snapshot.entity';
import type { StoreSubscription } from '../../entities/subscriptions/store-subscription.entity';
import type { SubscriptionTier } from '../../entities/subscriptions/subscription-tier.entity';
import { capacitySnapshotsBetween } from '../../repositories/subscriptions/capacity.repository';
import { registeredFeatureCodes } from '../../repositories/subscriptions/feature.repository';
import { lockSubscription, saveSubscription } from '../../repositories/subscriptions/subscription.repository';
import { lockTier, saveTier } from '../../repositories/subscriptions/tier.repository';

export type TierChanges = Partial<
  Pick<
    SubscriptionTier,
    | 'name'
    | 'description'
    | 'priceMonthlyCents'
    | 'priceAnnualCents'
    | 'ordersPerMonth'
    | 'productsLimit'
    | 'teamMembers'
    | 'orderHistoryMonths'
    | 'cmsPagesLimit'
    | 'cmsCustomPagesLimit'
    | 'featureCodes'
    | 'stripeProductId'
    | 'stripePriceMonthlyId'
    | 'stripePriceAnnualId'
    | 'displayOrder'
    | 'isActive'
    | 'isPublic'
  >
>;

export interface OverridesInput {
  subscriptionId: string;
  customOrdersLimit?: number | null;
  customProductsLimit?: number | null;
  customTeamLimit?: number | null;
}

/** Only fields the caller sent: `undefined` keeps a value, `null` clears a nullable one. */
function sent<T extends object>(input: T): Partial<T> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** ADMIN operations on the tier catalogue, subscription overrides and capacity history. */
export const adminSubscriptionService = {
  async updateTier(ctx: Context, id: string, changes: TierChanges): Promise<SubscriptionTier> {
    try {
      const saved = await ctx.manager.transaction(async (em) => {
        const key = idOf('SubscriptionTier', id);
        const tier = key === null ? null : await lockTier(em, key);
        if (!tier) throw notFound('Tier', ['id']);
        if (changes.featureCodes) {
          const known = await registeredFeatureCodes(em);
          const unknown = changes.featureCodes.filter((code) => !known.has(code));
          if (unknown.length) {
            throw new DomainError(UserErrorCode.NOT_FOUND, `Unknown feature codes: ${unknown.join(', ')}`, [
              'featureCodes',
            ]);
          }
        }
        Object.assign(tier, sent(changes));
        return await saveTier(em, tier);
      });
      return saved;
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new DomainError(UserErrorCode.ALREADY_EXISTS, 'Another tier uses this Stripe id or code', ['id']);
      }
      throw error;
    }
  },

  async setOverrides(ctx: Context, input: OverridesInput): Promise<StoreSubscription> {
    return ctx.manager.transaction(async (em) => {
      const key = idOf('StoreSubscription', input.subscriptionId);
      const subscription = key === null ? null : await lockSubscription(em, key);
      if (!subscription) throw notFound('Subscription', ['subscriptionId']);
      const { subscriptionId: _id, ...limits } = input;
      Object.assign(subscription, sent(limits));
      return saveSubscription(em, subscription);
    });
  },

  capacitySnapshots(ctx: Context, from: Date, to: Date): Promise<CapacitySnapshot[]> {
    return capacitySnapshotsBetween(ctx.manager, from, to);
  },
};
