import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { EntityTarget } from 'typeorm';
import type { Context } from '../../context';
import { AccessDeniedError } from '../../common/errors';
import { idOf } from '../../common/global-id';
import { selects } from '../../common/selection';
import { Customer } from '../../entities/tenancy/customer.entity';
import { Role } from '../../entities/tenancy/enums';
import { Merchant } from '../../entities/tenancy/merchant.entity';
import { Order } from '../../entities/tenancy/order.entity';
import { Product } from '../../entities/tenancy/product.entity';
import { StorePlatform } from '../../entities/tenancy/store-platform.entity';
import { StoreUser } from '../../entities/tenancy/store-user.entity';
import { StoreApiKey } from '../../entities/tenancy/store-api-key.entity';
import { Store } from '../../entities/tenancy/store.entity';
import type { Prefetch } from '../../loaders/loaders';
import { StoreSubscription } from '../../entities/subscriptions/store-subscription.entity';
import { platformService } from '../../services/tenancy/platform.service';
import { subscriptionReads } from '../../services/subscriptions/subscription.service';
import { afterIdOf } from '../../services/tenancy/listing';
import { storeService } from '../../services/tenancy/store.service';
import { storeApiKeyService } from '../../services/tenancy/store-api-key.service';
import { policy } from '../../policy/policy';
import { ConnectionArgs, toConnection, type Connection } from '../common/connection';
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

/** Team, customers, products and orders are the store team's even where the store itself is public (a storefront). */
export async function assertStoreTeam(ctx: Context, store: Store): Promise<void> {
  if (!policy.onStoreTeam(await ctx.viewer(), store)) throw new AccessDeniedError('Not your store');
}

async function storeChildren<T extends { id: number; storeId: number }>(
  ctx: Context,
  store: Store,
  entity: EntityTarget<T>,
  type: Parameters<typeof toConnection<T>>[0],
  args: ConnectionArgs,
  history?: { column: keyof T & string; since: Date | null },
): Promise<Connection<T>> {
  await assertStoreTeam(ctx, store);
  const since = history?.since ?? null;
  const page = await ctx.loaders
    .pageOf(entity, 'storeId', history?.column)
    .load({ parentId: store.id, first: args.first, afterId: afterIdOf(args.after), since });
  return toConnection(type, page, () =>
    ctx.loaders.countOf(entity, 'storeId', history?.column).load({ parentId: store.id, since }),
  );
}

/**
 * A store's memberships, in one statement for every store of the request
 * (platform and tier: the catalogue). Outside the store's scope (a storefront
 * found by host, seen by anyone) each shows its public part only.
 */
function membershipsOf(ctx: Context, store: Store): Promise<StorePlatform[]> {
  const memberships = ctx.loaders.childrenOf(StorePlatform, 'storeId').load(store.id);
  return ctx
    .viewer()
    .then((viewer) => (policy.onStoreTeam(viewer, store) ? memberships : memberships.then(publicMemberships)));
}

/** What anyone may see of memberships: platform, primary, active, subdomain; never settings nor tier. */
const publicMemberships = (memberships: StorePlatform[]): StorePlatform[] =>
  memberships.map((m) =>
    Object.assign(new StorePlatform(), {
      id: m.id,
      storeId: m.storeId,
      platformId: m.platformId,
      tierId: null,
      isActive: m.isActive,
      isPrimary: m.isPrimary,
      customSubdomain: m.customSubdomain,
      settings: null as unknown as StorePlatform['settings'],
      joinedAt: m.joinedAt,
      createdAt: m.createdAt,
      updatedAt: m.updatedAt,
      deletedAt: m.deletedAt,
      deletedById: null,
    }),
  );

/**
 * What a page of stores reads in its own statement for the fields the query
 * asks of its stores (the loaders of `merchant` and of the memberships, primed):
 * one round trip for the page, its merchants and memberships.
 */
function storePagePrefetch(ctx: Context, info: GraphQLResolveInfo): Prefetch<Store>[] {
  const asks = (field: string) => selects(info, ['edges', 'node', field]);
  const prefetch: Prefetch<Store>[] = [];
  if (asks('merchant')) prefetch.push(ctx.loaders.prefetchById<Store, Merchant>(Merchant, 'merchantId'));
  if (asks('platforms') || asks('primaryPlatform') || asks('subscription')) {
    prefetch.push(ctx.loaders.prefetchChildren<Store, StorePlatform>(StorePlatform, 'storeId'));
  }
  return prefetch;
}

@Resolver(() => Store)
export class StoreResolver extends SoftDeletableResolver(Store) {
  @Authorized()
  @Query(() => StoreConnection, { description: 'The stores the caller may see' })
  async stores(
    @Args(() => StoresArgs) args: StoresArgs,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Connection<Store>> {
    const { page, count } = await storeService.list(ctx, args, storePagePrefetch(ctx, info));
    return toConnection(StoreConnection, page, count);
  }

  @Query(() => Store, { nullable: true })
  store(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Store | null> | null {
    const key = idOf('Store', id);
    return key === null ? null : storeService.get(ctx, key);
  }

  @FieldResolver(() => Merchant)
  merchant(@Root() store: Store, @Ctx() ctx: Context): Promise<Merchant> {
    // A store's merchant exists (deleted with it at the latest): the loader's promise as it is, no async frame per store.
    return ctx.loaders
      .byId(Merchant, { withDeleted: store.deletedAt !== null })
      .load(store.merchantId) as Promise<Merchant>;
  }

  @FieldResolver(() => [StorePlatform], { description: "The store's platform memberships" })
  platforms(@Root() store: Store, @Ctx() ctx: Context): Promise<StorePlatform[]> {
    return membershipsOf(ctx, store);
  }

  @FieldResolver(() => StorePlatform, { nullable: true })
  async primaryPlatform(@Root() store: Store, @Ctx() ctx: Context): Promise<StorePlatform | null> {
    const memberships = await membershipsOf(ctx, store);
    return memberships.find((m) => m.isPrimary) ?? null;
  }

  @FieldResolver(() => StoreSubscription, { nullable: true, description: "The store's subscription on a platform" })
  async subscription(
    @Root() store: Store,
    @Arg('platformCode', () => String) platformCode: string,
    @Ctx() ctx: Context,
  ): Promise<StoreSubscription | null> {
    await assertStoreTeam(ctx, store);
    const [memberships, platform] = await Promise.all([
      membershipsOf(ctx, store),
      platformService.byCode(ctx, platformCode),
    ]);
    const membership = memberships.find((m) => m.platformId === platform?.id);
    if (!membership) return null;
    const [subscription] = await ctx.loaders.childrenOf(StoreSubscription, 'storePlatformId').load(membership.id);
    return subscription ?? null;
  }

  @FieldResolver(() => [StoreUser], { description: 'Team members, pending invitations included' })
  async team(@Root() store: Store, @Ctx() ctx: Context): Promise<StoreUser[]> {
    await assertStoreTeam(ctx, store);
    return ctx.loaders.childrenOf(StoreUser, 'storeId').load(store.id);
  }

  @FieldResolver(() => [StoreApiKey], { description: 'API keys, revoked ones included; owner or ADMIN only' })
  apiKeys(@Root() store: Store, @Ctx() ctx: Context): Promise<StoreApiKey[]> {
    return storeApiKeyService.listOf(ctx, store);
  }

  @FieldResolver(() => CustomerConnection)
  customers(@Root() store: Store, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: Context) {
    return storeChildren(ctx, store, Customer, CustomerConnection, args);
  }

  @FieldResolver(() => ProductConnection)
  products(@Root() store: Store, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: Context) {
    return storeChildren(ctx, store, Product, ProductConnection, args);
  }

  @FieldResolver(() => OrderConnection, { description: "Only within the tier's orderHistoryMonths" })
  async orders(@Root() store: Store, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: Context) {
    const since = await subscriptionReads.orderHistorySince(ctx, store.id);
    return storeChildren(ctx, store, Order, OrderConnection, args, { column: 'placedAt', since });
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
