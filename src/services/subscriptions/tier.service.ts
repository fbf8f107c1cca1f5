import type { Context } from '../../context';
import type { SubscriptionTier } from '../../entities/subscriptions/subscription-tier.entity';
import { platformService } from '../tenancy/platform.service';
import { subscriptionService } from './subscription.service';

/** Tier catalogue reads: hidden tiers (enterprise) only for ADMIN. */
export const tierService = {
  async list(ctx: Context, platformCode: string | null): Promise<SubscriptionTier[]> {
    if (!platformCode) return this.offeredOn(ctx, null);
    const platform = await platformService.byCode(ctx, platformCode);
    return platform ? this.offeredOn(ctx, platform.id) : [];
  },

  /** The tiers a platform offers (null: the global ones). */
  async offeredOn(ctx: Context, platformId: number | null): Promise<SubscriptionTier[]> {
    return subscriptionService.tiersOf(ctx, platformId, !!(await ctx.viewer())?.isAdmin);
  },
};
