import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';

import type { Context } from '../../context';
import { Feature, FeatureCategory } from '../../entities/features/feature.entity';
import { SubscriptionTier } from '../../entities/subscriptions/subscription-tier.entity';
import { featureService } from '../../services/features/feature.service';
import { FeatureAccess } from '../subscriptions/types/subscription.types';

@Resolver(() => Feature)
export class FeatureResolver {
  @Query(() => [Feature], { description: 'The public feature registry' })
  features(
    @Arg('category', () => FeatureCategory, { nullable: true }) category: FeatureCategory | null,
    @Ctx() ctx: Context,
  ): Promise<Feature[]> {
    return featureService.list(ctx, category);
  }

  @Query(() => FeatureAccess)
  featureAccess(
    @Arg('storeId', () => ID) storeId: string,
    @Arg('platformCode', () => String) platformCode: string,
    @Arg('code', () => String) code: string,
    @Ctx() ctx: Context,
  ): Promise<FeatureAccess> {
    return featureService.access(ctx, storeId, platformCode, code);
  }

  @FieldResolver(() => SubscriptionTier, { nullable: true, description: 'The cheapest public tier that includes it' })
  minimumTier(@Root() feature: Feature, @Ctx() ctx: Context) {
    return ctx.loaders.tier(feature.minimumTierId);
  }
}
