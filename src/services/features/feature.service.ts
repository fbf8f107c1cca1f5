import { idOf } from '../../common/global-id';
import type { Context } from '../../context';
import { type Feature, FeatureCategory } from '../../entities/features/feature.entity';
import { findSubscriptionOnPlatform } from '../../repositories/subscriptions/subscription.repository';
import { subscriptionService } from '../subscriptions/subscription.service';
import { storeService } from '../tenancy/store.service';

const CATEGORY_ORDER = Object.values(FeatureCategory);

/** The public feature registry and per-store access to it. */
export const featureService = {
  /** Active features, by category (in the enum's declared order, as PostgreSQL orders it) then display order. */
  async list(ctx: Context, category?: FeatureCategory | null): Promise<Feature[]> {
    const { features } = await ctx.loaders.catalog();
    const rank = (f: Feature) => CATEGORY_ORDER.indexOf(f.category);
    return features
      .filter((f) => f.isActive && (!category || f.category === category))
      .sort((a, b) => rank(a) - rank(b) || a.displayOrder - b.displayOrder || a.id - b.id);
  },

  /**
   * Whether a store's subscription on a platform includes `code`, and the
   * tier that unlocks it. A store out of scope, or not on the platform, has
   * no access — nothing more is revealed about it.
   */
  async access(ctx: Context, storeGlobalId: string, platformCode: string, code: string) {
    const feature = (await ctx.loaders.catalog()).features.find((f) => f.code === code) ?? null;
    const upgradeTo = await ctx.loaders.tier(feature?.minimumTierId ?? null);
    const storeId = idOf('Store', storeGlobalId);
    const store = storeId === null ? null : await storeService.get(ctx, storeId);
    const subscription = store ? await findSubscriptionOnPlatform(ctx.manager, store.id, platformCode, false) : null;
    const enabled = !!feature && !!subscription && (await subscriptionService.hasFeature(ctx, subscription, code));
    return { enabled, feature, upgradeTo: enabled ? null : upgradeTo };
  },
};
