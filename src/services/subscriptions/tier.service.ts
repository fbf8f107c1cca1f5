import type { Context } from '../../context';
import { Feature } from '../../entities/features/feature.entity';
import type { SubscriptionTier } from '../../entities/subscriptions/subscription-tier.entity';
import { Platform } from '../../entities/tenancy/platform.entity';
import { tiersOf } from './subscription.service';

/** Tier catalogue reads: hidden tiers (enterprise) only for ADMIN. */
export const tierService = {
  async list(ctx: Context, platformCode: string | null): Promise<SubscriptionTier[]> {
    const viewer = await ctx.viewer();
    let platformId: number | null = null;
    if (platformCode) {
      const platform = await ctx.manager.findOne(Platform, { where: { code: platformCode } });
      if (!platform) return [];
      platformId = platform.id;
    }
    return tiersOf(ctx.manager, platformId, !!viewer?.isAdmin);
  },

  /** The registry entries of a tier's feature codes, in registry order (one statement per request). */
  async featuresOf(ctx: Context, tier: SubscriptionTier): Promise<Feature[]> {
    const all = await ctx.loaders.once('features', () => ctx.manager.find(Feature, { order: { id: 'ASC' } }));
    return all.filter((f) => tier.featureCodes.includes(f.code));
  },
};
