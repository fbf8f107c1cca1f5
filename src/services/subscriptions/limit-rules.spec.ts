import { UserErrorCode } from '../../common/errors';
import { SubscriptionStatus } from '../../entities/subscriptions/enums';
import type { StoreSubscription } from '../../entities/subscriptions/store-subscription.entity';
import type { SubscriptionTier } from '../../entities/subscriptions/subscription-tier.entity';
import { checkLimit, effectiveLimit, upgradeFor } from './limit-rules';

const tier = (
  id: number,
  priceMonthlyCents: number,
  ordersPerMonth: number | null,
  extra: Partial<SubscriptionTier> = {},
) =>
  ({
    id,
    code: `t${id}`,
    priceMonthlyCents,
    ordersPerMonth,
    productsLimit: 50,
    teamMembers: 2,
    isPublic: true,
    isActive: true,
    ...extra,
  }) as SubscriptionTier;
const subscription = (extra: Partial<StoreSubscription> = {}) =>
  ({
    status: SubscriptionStatus.ACTIVE,
    customOrdersLimit: null,
    customProductsLimit: null,
    customTeamLimit: null,
    ...extra,
  }) as StoreSubscription;

describe('effectiveLimit', () => {
  it("takes the subscription's override, else the tier's limit, else none (unlimited)", () => {
    expect(effectiveLimit(subscription(), tier(1, 0, 100), 'orders')).toBe(100);
    expect(effectiveLimit(subscription({ customOrdersLimit: 250 }), tier(1, 0, 100), 'orders')).toBe(250);
    expect(effectiveLimit(subscription({ customOrdersLimit: 0 }), tier(1, 0, 100), 'orders')).toBe(0);
    expect(effectiveLimit(subscription(), tier(1, 0, null), 'orders')).toBeNull();
    expect(effectiveLimit(subscription(), null, 'orders')).toBeNull();
    expect(effectiveLimit(subscription({ customTeamLimit: 9 }), tier(1, 0, 100), 'teamMembers')).toBe(9);
    expect(effectiveLimit(subscription(), tier(1, 0, 100), 'products')).toBe(50);
  });
});

describe('checkLimit', () => {
  it('allows one more below the limit, refuses at it, and never limits an unlimited tier', () => {
    expect(checkLimit(subscription(), tier(1, 0, 100), 'orders', 99)).toEqual({
      allowed: true,
      code: null,
      message: null,
      current: 99,
      limit: 100,
    });
    expect(checkLimit(subscription(), tier(1, 0, 100), 'orders', 100)).toMatchObject({
      allowed: false,
      code: UserErrorCode.LIMIT_REACHED,
      message: 'Monthly order limit reached (100). Upgrade to continue.',
    });
    expect(checkLimit(subscription(), tier(1, 0, null), 'orders', 1_000_000).allowed).toBe(true);
  });

  it('refuses anything on a subscription that grants no access, whatever the limit; the statuses that grant access pass', () => {
    expect(
      checkLimit(subscription({ status: SubscriptionStatus.EXPIRED }), tier(1, 0, null), 'products', 0),
    ).toMatchObject({
      allowed: false,
      code: UserErrorCode.SUBSCRIPTION_INACTIVE,
    });
    for (const status of [SubscriptionStatus.TRIAL, SubscriptionStatus.PAST_DUE, SubscriptionStatus.CANCELLED]) {
      expect(checkLimit(subscription({ status }), tier(1, 0, 10), 'orders', 0).allowed).toBe(true);
    }
  });
});

describe('upgradeFor', () => {
  const essential = tier(1, 2_900, 100);
  const professional = tier(2, 7_900, 500);
  const business = tier(3, 14_900, null);
  const hidden = tier(4, 3_900, 1_000, { isPublic: false });
  const retired = tier(5, 4_900, 1_000, { isActive: false });
  const all = [business, hidden, professional, retired, essential];

  it('names the cheapest public, active, dearer tier that allows one more', () => {
    expect(upgradeFor(all, essential, 'orders', 100)).toBe(professional);
    expect(upgradeFor(all, essential, 'orders', 500)).toBe(business);
    expect(upgradeFor(all, null, 'orders', 0)).toBe(essential);
  });

  it('names none when no dearer tier allows more', () => {
    expect(upgradeFor(all, business, 'orders', 10_000)).toBeNull();
    expect(upgradeFor([essential], essential, 'orders', 100)).toBeNull();
  });
});
