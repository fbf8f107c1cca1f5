import { Arg, Args, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';

import { afterIdOf } from '../../common/pagination';
import type { Context } from '../../context';
import { BillingHistory } from '../../entities/subscriptions/billing-history.entity';
import { StoreAddOn } from '../../entities/subscriptions/store-add-on.entity';
import { StoreSubscription } from '../../entities/subscriptions/store-subscription.entity';
import { SubscriptionTier } from '../../entities/subscriptions/subscription-tier.entity';
import { StorePlatform } from '../../entities/tenancy/store-platform.entity';
import { allowsAccess } from '../../services/subscriptions/limit-rules';
import { subscriptionService } from '../../services/subscriptions/subscription.service';
import { type Connection, ConnectionArgs, toConnection } from '../common/connection';
import { BillingHistoryConnection, LimitCheck, SubscriptionUsage } from './types/subscription.types';

@Resolver(() => StoreSubscription)
export class StoreSubscriptionResolver {
  @FieldResolver(() => StorePlatform)
  async storePlatform(@Root() sub: StoreSubscription, @Ctx() ctx: Context): Promise<StorePlatform> {
    return (await ctx.loaders.byId(StorePlatform, { withDeleted: true }).load(sub.storePlatformId))!;
  }

  @FieldResolver(() => SubscriptionTier, { nullable: true })
  tier(@Root() sub: StoreSubscription, @Ctx() ctx: Context) {
    return subscriptionService.tier(ctx, sub);
  }

  @FieldResolver(() => Boolean, { description: 'TRIAL, ACTIVE, PAST_DUE and CANCELLED still allow access' })
  isActive(@Root() sub: StoreSubscription): boolean {
    return allowsAccess(sub);
  }

  @FieldResolver(() => Boolean)
  isTrial(@Root() sub: StoreSubscription): boolean {
    return sub.status === 'TRIAL';
  }

  @FieldResolver(() => Int, { nullable: true })
  trialDaysRemaining(@Root() sub: StoreSubscription): number | null {
    return subscriptionService.trialDaysRemaining(sub);
  }

  @FieldResolver(() => SubscriptionUsage)
  usage(@Root() sub: StoreSubscription, @Ctx() ctx: Context): Promise<SubscriptionUsage> {
    return subscriptionService.usage(ctx, sub);
  }

  @FieldResolver(() => LimitCheck)
  canCreateOrder(@Root() sub: StoreSubscription, @Ctx() ctx: Context) {
    return subscriptionService.limitCheck(ctx, sub, 'orders');
  }

  @FieldResolver(() => LimitCheck)
  canAddProduct(@Root() sub: StoreSubscription, @Ctx() ctx: Context) {
    return subscriptionService.limitCheck(ctx, sub, 'products');
  }

  @FieldResolver(() => LimitCheck)
  canAddTeamMember(@Root() sub: StoreSubscription, @Ctx() ctx: Context) {
    return subscriptionService.limitCheck(ctx, sub, 'teamMembers');
  }

  @FieldResolver(() => Boolean)
  hasFeature(@Root() sub: StoreSubscription, @Arg('code', () => String) code: string, @Ctx() ctx: Context) {
    return subscriptionService.hasFeature(ctx, sub, code);
  }

  @FieldResolver(() => SubscriptionTier, { nullable: true, description: 'Applied at scheduledChangeAt' })
  scheduledTierChange(@Root() sub: StoreSubscription, @Ctx() ctx: Context) {
    return ctx.loaders.tier(sub.scheduledTierId);
  }

  @FieldResolver(() => [StoreAddOn])
  addOns(@Root() sub: StoreSubscription, @Ctx() ctx: Context): Promise<StoreAddOn[]> {
    return subscriptionService.addOns(ctx, sub);
  }

  @FieldResolver(() => BillingHistoryConnection)
  async billingHistory(
    @Root() sub: StoreSubscription,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() ctx: Context,
  ): Promise<Connection<BillingHistory>> {
    const page = await ctx.loaders
      .pageOf(BillingHistory, 'storeSubscriptionId')
      .load({ parentId: sub.id, first: args.first, afterId: afterIdOf(args.after) });
    return toConnection(BillingHistoryConnection, page, () =>
      ctx.loaders.countOf(BillingHistory, 'storeSubscriptionId').load({ parentId: sub.id }),
    );
  }
}
