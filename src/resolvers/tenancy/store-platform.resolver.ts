import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import { Platform } from '../../entities/tenancy/platform.entity';
import { StorePlatform } from '../../entities/tenancy/store-platform.entity';
import { Store } from '../../entities/tenancy/store.entity';
import { storePlatformService } from '../../services/tenancy/store-platform.service';
import { SoftDeletableResolver } from '../common/soft-deletable.resolver';
import { payload } from '../common/user-error';
import { IdInput } from './types/merchant.types';
import {
  AddStoreToPlatformInput,
  RemoveStoreFromPlatformPayload,
  SetPrimaryPlatformInput,
  StorePlatformPayload,
  UpdateStorePlatformInput,
} from './types/store-platform.types';
import { StorePayload } from './types/store.types';

@Resolver(() => StorePlatform)
export class StorePlatformResolver extends SoftDeletableResolver(StorePlatform) {
  @FieldResolver(() => Store)
  async store(@Root() membership: StorePlatform, @Ctx() ctx: Context): Promise<Store> {
    return (await ctx.loaders.byId(Store, { withDeleted: true }).load(membership.storeId))!;
  }

  @FieldResolver(() => Platform)
  async platform(@Root() membership: StorePlatform, @Ctx() ctx: Context): Promise<Platform> {
    return (await ctx.loaders.byId(Platform).load(membership.platformId))!;
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
