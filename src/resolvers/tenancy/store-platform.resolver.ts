import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';

import type { Context } from '../../context';
import { StoreSubscription } from '../../entities/subscriptions/store-subscription.entity';
import { SubscriptionTier } from '../../entities/subscriptions/subscription-tier.entity';
import { Platform } from '../../entities/tenancy/platform.entity';
import { Store } from '../../entities/tenancy/store.entity';
import { StorePlatform } from '../../entities/tenancy/store-platform.entity';
import { storePlatformService } from '../../services/tenancy/store-platform.service';
import { storeReadsService } from '../../services/tenancy/store-reads.service';
import { SoftDeletableResolver } from '../common/soft-deletable.resolver';
import { payload } from '../common/user-error';
import { IdInput } from './types/merchant.types';
import { StorePayload } from './types/store.types';
import {
  AddStoreToPlatformInput,
  RemoveStoreFromPlatformPayload,
  SetPrimaryPlatformInput,
  StorePlatformPayload,
  UpdateStorePlatformInput,
} from './types/store-platform.types';

@Resolver(() => StorePlatform)
export class StorePlatformResolver extends SoftDeletableResolver(StorePlatform) {
  @FieldResolver(() => Store)
  store(@Root() membership: StorePlatform, @Ctx() ctx: Context): Promise<Store> {
    return storeReadsService.storeOf(ctx, membership);
  }

  @FieldResolver(() => Platform)
  platform(@Root() membership: StorePlatform, @Ctx() ctx: Context) {
    return ctx.loaders.platform(membership.platformId);
  }

  @FieldResolver(() => SubscriptionTier, {
    nullable: true,
    description: "null outside the store's scope, with tierCode and tierName",
  })
  tier(
    @Root() membership: StorePlatform,
    @Ctx() ctx: Context,
  ): SubscriptionTier | null | Promise<SubscriptionTier | null> {
    return ctx.loaders.tier(membership.tierId);
  }

  @FieldResolver(() => String, { nullable: true })
  async tierCode(@Root() membership: StorePlatform, @Ctx() ctx: Context): Promise<string | null> {
    return (await this.tier(membership, ctx))?.code ?? null;
  }

  @FieldResolver(() => String, { nullable: true })
  async tierName(@Root() membership: StorePlatform, @Ctx() ctx: Context): Promise<string | null> {
    return (await this.tier(membership, ctx))?.name ?? null;
  }

  @FieldResolver(() => StoreSubscription, { nullable: true })
  subscription(@Root() membership: StorePlatform, @Ctx() ctx: Context): Promise<StoreSubscription | null> {
    return storeReadsService.subscriptionOf(ctx, membership);
  }

  @Authorized()
  @Mutation(() => StorePlatformPayload, { description: 'ALREADY_EXISTS when the store is already on the platform' })
  addStoreToPlatform(@Arg('input', () => AddStoreToPlatformInput) input: AddStoreToPlatformInput, @Ctx() ctx: Context) {
    return payload(async () => ({ storePlatform: await storePlatformService.add(ctx, input) }));
  }

  @Authorized()
  @Mutation(() => StorePlatformPayload)
  updateStorePlatform(
    @Arg('input', () => UpdateStorePlatformInput) input: UpdateStorePlatformInput,
    @Ctx() ctx: Context,
  ) {
    return payload(async () => ({ storePlatform: await storePlatformService.update(ctx, input) }));
  }

  @Authorized()
  @Mutation(() => StorePayload)
  setPrimaryPlatform(@Arg('input', () => SetPrimaryPlatformInput) input: SetPrimaryPlatformInput, @Ctx() ctx: Context) {
    return payload(async () => ({ store: await storePlatformService.setPrimary(ctx, input.storePlatformId) }));
  }

  @Authorized()
  @Mutation(() => RemoveStoreFromPlatformPayload)
  removeStoreFromPlatform(@Arg('input', () => IdInput) input: IdInput, @Ctx() ctx: Context) {
    return payload(() => storePlatformService.remove(ctx, input.id));
  }
}
