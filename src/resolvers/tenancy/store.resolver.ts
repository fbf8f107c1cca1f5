import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver, Root } from 'type-graphql';

import { idOf } from '../../common/global-id';
import type { Context } from '../../context';
import { StoreSubscription } from '../../entities/subscriptions/store-subscription.entity';
import { Role } from '../../entities/tenancy/enums';
import { Merchant } from '../../entities/tenancy/merchant.entity';
import { Store } from '../../entities/tenancy/store.entity';
import { StoreApiKey } from '../../entities/tenancy/store-api-key.entity';
import { StorePlatform } from '../../entities/tenancy/store-platform.entity';
import { StoreUser } from '../../entities/tenancy/store-user.entity';
import { ReadsAhead } from '../../loaders/read-ahead';
import { storeMemberships, storeMerchant } from '../../loaders/relations';
import { storeService } from '../../services/tenancy/store.service';
import { storeApiKeyService } from '../../services/tenancy/store-api-key.service';
import { storeReadsService } from '../../services/tenancy/store-reads.service';
import { type Connection, ConnectionArgs, toConnection } from '../common/connection';
import { SoftDeletableResolver } from '../common/soft-deletable.resolver';
import { payload } from '../common/user-error';
import { DeletePayload, IdInput } from './types/merchant.types';
import {
  CreateStoreInput,
  CustomerConnection,
  OrderConnection,
  ProductConnection,
  RestoreStorePayload,
  StoreConnection,
  StorePayload,
  StoresArgs,
  UpdateStoreInput,
} from './types/store.types';

@Resolver(() => Store)
export class StoreResolver extends SoftDeletableResolver(Store) {
  @Authorized()
  @Query(() => StoreConnection, { description: 'The stores the caller may see' })
  async stores(
    @Args(() => StoresArgs) args: StoresArgs,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Connection<Store>> {
    const { page, count } = await storeService.list(ctx, args, info);
    return toConnection(StoreConnection, page, count);
  }

  @Query(() => Store, { nullable: true })
  store(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Store | null> | null {
    const key = idOf('Store', id);
    return key === null ? null : storeService.get(ctx, key);
  }

  @ReadsAhead(storeMerchant)
  @FieldResolver(() => Merchant)
  merchant(@Root() store: Store, @Ctx() ctx: Context): Promise<Merchant> {
    // A store's merchant exists (deleted with it at the latest): the loader's promise as it is, no async frame per store.
    return storeMerchant.load(ctx.loaders, store) as Promise<Merchant>;
  }

  @ReadsAhead(storeMemberships)
  @FieldResolver(() => [StorePlatform], { description: "The store's platform memberships" })
  platforms(@Root() store: Store, @Ctx() ctx: Context): Promise<StorePlatform[]> {
    return storeReadsService.memberships(ctx, store);
  }

  @ReadsAhead(storeMemberships)
  @FieldResolver(() => StorePlatform, { nullable: true })
  primaryPlatform(@Root() store: Store, @Ctx() ctx: Context): Promise<StorePlatform | null> {
    return storeReadsService.primaryMembership(ctx, store);
  }

  @ReadsAhead(storeMemberships)
  @FieldResolver(() => StoreSubscription, { nullable: true, description: "The store's subscription on a platform" })
  subscription(
    @Root() store: Store,
    @Arg('platformCode', () => String) platformCode: string,
    @Ctx() ctx: Context,
  ): Promise<StoreSubscription | null> {
    return storeReadsService.subscriptionOn(ctx, store, platformCode);
  }

  @FieldResolver(() => [StoreUser], { description: 'Team members, pending invitations included' })
  team(@Root() store: Store, @Ctx() ctx: Context): Promise<StoreUser[]> {
    return storeReadsService.team(ctx, store);
  }

  @FieldResolver(() => [StoreApiKey], { description: 'API keys, revoked ones included; owner or ADMIN only' })
  apiKeys(@Root() store: Store, @Ctx() ctx: Context): Promise<StoreApiKey[]> {
    return storeApiKeyService.listOf(ctx, store);
  }

  @FieldResolver(() => CustomerConnection)
  async customers(@Root() store: Store, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: Context) {
    const { page, count } = await storeReadsService.customers(ctx, store, args);
    return toConnection(CustomerConnection, page, count);
  }

  @FieldResolver(() => ProductConnection)
  async products(@Root() store: Store, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: Context) {
    const { page, count } = await storeReadsService.products(ctx, store, args);
    return toConnection(ProductConnection, page, count);
  }

  @FieldResolver(() => OrderConnection, { description: "Only within the tier's orderHistoryMonths" })
  async orders(@Root() store: Store, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: Context) {
    const { page, count } = await storeReadsService.orders(ctx, store, args);
    return toConnection(OrderConnection, page, count);
  }

  @Authorized()
  @Mutation(() => StorePayload)
  createStore(@Arg('input', () => CreateStoreInput) input: CreateStoreInput, @Ctx() ctx: Context) {
    return payload(async () => ({ store: await storeService.create(ctx, input) }));
  }

  @Authorized()
  @Mutation(() => StorePayload)
  updateStore(@Arg('input', () => UpdateStoreInput) input: UpdateStoreInput, @Ctx() ctx: Context) {
    return payload(async () => ({ store: await storeService.update(ctx, input) }));
  }

  @Authorized()
  @Mutation(() => DeletePayload, {
    description: 'Soft-deletes the store, its team, customers, products, orders and memberships',
  })
  deleteStore(@Arg('input', () => IdInput) input: IdInput, @Ctx() ctx: Context) {
    return payload(() => storeService.delete(ctx, input.id));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => RestoreStorePayload, { description: 'Restores the store and exactly what its delete cascaded' })
  restoreStore(@Arg('input', () => IdInput) input: IdInput, @Ctx() ctx: Context) {
    return payload(() => storeService.restore(ctx, input.id));
  }
}
