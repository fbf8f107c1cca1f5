import { Arg, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';

import type { Context } from '../../context';
import { Feature } from '../../entities/features/feature.entity';
import { SubscriptionTier } from '../../entities/subscriptions/subscription-tier.entity';
import { Platform } from '../../entities/tenancy/platform.entity';
import { tierService } from '../../services/subscriptions/tier.service';

@Resolver(() => SubscriptionTier)
export class SubscriptionTierResolver {
  @Query(() => [SubscriptionTier], {
    description: 'Public tiers (all active tiers for ADMIN), of a platform or the global ones',
  })
  subscriptionTiers(
    @Arg('platformCode', () => String, { nullable: true }) platformCode: string | null,
    @Ctx() ctx: Context,
  ): Promise<SubscriptionTier[]> {
    return tierService.list(ctx, platformCode);
  }

  @FieldResolver(() => Platform, { nullable: true, description: 'null for a global tier' })
  platform(@Root() tier: SubscriptionTier, @Ctx() ctx: Context): Platform | null | Promise<Platform | null> {
    return ctx.loaders.platform(tier.platformId);
  }

  @FieldResolver(() => [Feature])
  features(@Root() tier: SubscriptionTier, @Ctx() ctx: Context) {
    return ctx.loaders.featuresOf(tier);
  }
}
