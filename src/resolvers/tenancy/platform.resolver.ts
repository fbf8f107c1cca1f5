import { Arg, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';

import type { Context } from '../../context';
import { SubscriptionTier } from '../../entities/subscriptions/subscription-tier.entity';
import { Role } from '../../entities/tenancy/enums';
import { Platform } from '../../entities/tenancy/platform.entity';
import { Store } from '../../entities/tenancy/store.entity';
import { tierService } from '../../services/subscriptions/tier.service';
import { platformService } from '../../services/tenancy/platform.service';
import { payload } from '../common/user-error';
import { PlatformPayload, UpdatePlatformInput } from './types/platform.types';

@Resolver(() => Platform)
export class PlatformResolver {
  @Query(() => [Platform])
  platforms(@Ctx() ctx: Context): Promise<Platform[]> {
    return platformService.list(ctx);
  }

  @Query(() => Platform, { nullable: true })
  platform(@Arg('code', () => String) code: string, @Ctx() ctx: Context): Promise<Platform | null> {
    return platformService.byCode(ctx, code);
  }

  @Query(() => Platform, { nullable: true, description: 'From the /platforms/{code}/ prefix or the Host header' })
  async currentPlatform(@Ctx() ctx: Context): Promise<Platform | null> {
    return (await ctx.platformContext()).platform;
  }

  @Query(() => Store, { nullable: true, description: 'The store named by the subdomain of the Host header' })
  async currentStore(@Ctx() ctx: Context): Promise<Store | null> {
    return (await ctx.platformContext()).store;
  }

  @FieldResolver(() => [SubscriptionTier], { description: 'Tiers offered here: its own and the global ones' })
  async tiers(@Root() platform: Platform, @Ctx() ctx: Context): Promise<SubscriptionTier[]> {
    return tierService.offeredOn(ctx, platform.id);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => PlatformPayload)
  updatePlatform(@Arg('input', () => UpdatePlatformInput) input: UpdatePlatformInput, @Ctx() ctx: Context) {
    return payload(async () => ({ platform: await platformService.update(ctx, input) }));
  }
}
