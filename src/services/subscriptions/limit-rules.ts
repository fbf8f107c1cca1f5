import { UserErrorCode } from '../../common/errors';
import { ACCESS_STATUSES } from '../../entities/subscriptions/enums';
import type { StoreSubscription } from '../../entities/subscriptions/store-subscription.entity';
import type { SubscriptionTier } from '../../entities/subscriptions/subscription-tier.entity';

export type LimitKind = 'orders' | 'products' | 'teamMembers';

/** The limit in force: the subscription's custom override, else the tier's; null = unlimited. */
export function effectiveLimit(
  subscription: StoreSubscription,
  tier: SubscriptionTier | null,
  kind: LimitKind,
): number | null {
  switch (kind) {
    case 'orders':
      return subscription.customOrdersLimit ?? tier?.ordersPerMonth ?? null;
    case 'products':
      return subscription.customProductsLimit ?? tier?.productsLimit ?? null;
    case 'teamMembers':
      return subscription.customTeamLimit ?? tier?.teamMembers ?? null;
  }
}

export const tierLimit = (tier: SubscriptionTier, kind: LimitKind): number | null =>
  kind === 'orders' ? tier.ordersPerMonth : kind === 'products' ? tier.productsLimit : tier.teamMembers;

export const allowsAccess = (subscription: Pick<StoreSubscription, 'status'>): boolean =>
  ACCESS_STATUSES.includes(subscription.status);

const NOUNS: Record<LimitKind, string> = { orders: 'Monthly order', products: 'Product', teamMembers: 'Team member' };

export interface LimitVerdict {
  allowed: boolean;
  code: UserErrorCode | null;
  message: string | null;
  current: number;
  limit: number | null;
}

/** Whether one more is allowed, and why not: the reference's can_create_order / can_add_product / can_add_team_member. */
export function checkLimit(
  subscription: StoreSubscription,
  tier: SubscriptionTier | null,
  kind: LimitKind,
  current: number,
): LimitVerdict {
  const limit = effectiveLimit(subscription, tier, kind);
  if (!allowsAccess(subscription)) {
    return {
      allowed: false,
      code: UserErrorCode.SUBSCRIPTION_INACTIVE,
      message: 'The subscription is not active',
      current,
      limit,
    };
  }
  if (limit !== null && current >= limit) {
    return {
      allowed: false,
      code: UserErrorCode.LIMIT_REACHED,
      message: `${NOUNS[kind]} limit reached (${limit}). Upgrade to continue.`,
      current,
      limit,
    };
  }
  return { allowed: true, code: null, message: null, current, limit };
}

/** The cheapest public, active tier above `current` that allows one more than `current`. */
export function upgradeFor(tiers: SubscriptionTier[], current: SubscriptionTier | null, kind: LimitKind, used: number) {
  return (
    tiers
      .filter((t) => t.isPublic && t.isActive && t.id !== current?.id)
      .filter((t) => !current || t.priceMonthlyCents > current.priceMonthlyCents)
      .filter((t) => {
        const limit = tierLimit(t, kind);
        return limit === null || limit > used;
      })
      .sort((a, b) => a.priceMonthlyCents - b.priceMonthlyCents)[0] ?? null
  );
}
