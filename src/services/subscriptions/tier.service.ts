import type { Context } from '../../context';
import { Feature } from '../../entities/features/feature.entity';
import type { SubscriptionTier } from '../../entities/subscriptions/subscription-tier.entity';
import { Platform } from '../../entities/tenancy/platform.entity';
import { tiersOf } from './subscription.service';

/** Tier catalogue reads: hidden tiers (enterprise) only for ADMIN. */
export const tierService = {
  async list(ctx: Context, platformCode: string | null): Promise<SubscriptionTier[]> {
    if (!platformCode) return this.offeredOn(ctx, null);
    const platform = await ctx.manager.findOne(Platform, { where: { code: platformCode } });
    return platform ? this.offeredOn(ctx, platform.id) : [];
  },

  /** The tiers a platform offers (null: the global ones). */
  async offeredOn(ctx: Context, platformId: number | null): Promise<SubscriptionTier[]> {
    return tiersOf(ctx.manager, platformId, !!(await ctx.viewer())?.isAdmin);
  },

  /** The registry entries of a tier's feature codes, in registry order (one statement per request). */
  async featuresOf(ctx: Context, tier: SubscriptionTier): Promise<Feature[]> {
    const all = await ctx.loaders.once('features', () => ctx.manager.find(Feature, { order: { id: 'ASC' } }));
    return all.filter((f) => tier.featureCodes.includes(f.code));
  },
};
