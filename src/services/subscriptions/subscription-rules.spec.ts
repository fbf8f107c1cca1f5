import { SubscriptionStatus } from '../../entities/subscriptions/enums';
import type { StoreSubscription } from '../../entities/subscriptions/store-subscription.entity';
import type { SubscriptionTier } from '../../entities/subscriptions/subscription-tier.entity';
import { activeOnPlatform, governsStore, grantsFeature } from './subscription-rules';

const deletedAt = new Date('2026-01-01T00:00:00Z');

describe('governsStore', () => {
  it('is the live primary membership only', () => {
    expect(governsStore({ isPrimary: true, deletedAt: null })).toBe(true);
    expect(governsStore({ isPrimary: false, deletedAt: null })).toBe(false);
    expect(governsStore({ isPrimary: true, deletedAt })).toBe(false);
  });
});

describe('activeOnPlatform', () => {
  it('is a live, active membership, primary or not', () => {
    expect(activeOnPlatform({ isActive: true, deletedAt: null })).toBe(true);
    expect(activeOnPlatform({ isActive: false, deletedAt: null })).toBe(false);
    expect(activeOnPlatform({ isActive: true, deletedAt })).toBe(false);
  });
});

describe('grantsFeature', () => {
  const tier = { featureCodes: ['api_access', 'team_roles'] } as SubscriptionTier;
  const sub = (status: SubscriptionStatus) => ({ status }) as StoreSubscription;

  it("needs a status that allows access and the feature in the tier's list", () => {
    expect(grantsFeature(sub(SubscriptionStatus.ACTIVE), tier, 'api_access')).toBe(true);
    expect(grantsFeature(sub(SubscriptionStatus.TRIAL), tier, 'team_roles')).toBe(true);
    expect(grantsFeature(sub(SubscriptionStatus.EXPIRED), tier, 'api_access')).toBe(false);
    expect(grantsFeature(sub(SubscriptionStatus.ACTIVE), tier, 'customer_export')).toBe(false);
    expect(grantsFeature(sub(SubscriptionStatus.ACTIVE), null, 'api_access')).toBe(false);
  });
});
