import type { EntityTarget } from 'typeorm';

import { AccessDeniedError } from '../../common/errors';
import { afterIdOf, type Listing } from '../../common/pagination';
import type { Context } from '../../context';
import { StoreSubscription } from '../../entities/subscriptions/store-subscription.entity';
import { Customer } from '../../entities/tenancy/customer.entity';
import { Order } from '../../entities/tenancy/order.entity';
import { Product } from '../../entities/tenancy/product.entity';
import { Store } from '../../entities/tenancy/store.entity';
import { StorePlatform } from '../../entities/tenancy/store-platform.entity';
import { StoreUser } from '../../entities/tenancy/store-user.entity';
import { storeMemberships } from '../../loaders/relations';
import { policy } from '../../policy/policy';
import { subscriptionService } from '../subscriptions/subscription.service';
import { governsStore } from '../subscriptions/subscription-rules';
import { platformService } from './platform.service';

/**
 * What a store's fields read: its memberships (their public part only
 * outside the store's team, as on a storefront found by host), its
 * subscriptions, and the rows that are the store team's even where the store
 * itself is public (team, customers, products, orders).
 */

/** Team, customers, products and orders are the store team's even where the store itself is public. */
async function assertStoreTeam(ctx: Context, store: Store): Promise<void> {
  if (!policy.onStoreTeam(await ctx.viewer(), store)) throw new AccessDeniedError('Not your store');
}

interface PageArgs {
  first: number;
  after?: string | null;
}

async function childrenOf<T extends { id: number; storeId: number }>(
  ctx: Context,
  store: Store,
  entity: EntityTarget<T>,
  args: PageArgs,
  history?: { column: keyof T & string; since: Date | null },
): Promise<Listing<T>> {
  await assertStoreTeam(ctx, store);
  const since = history?.since ?? null;
  const page = await ctx.loaders
    .pageOf(entity, 'storeId', history?.column)
    .load({ parentId: store.id, first: args.first, afterId: afterIdOf(args.after), since });
  return {
    page,
    count: () => ctx.loaders.countOf(entity, 'storeId', history?.column).load({ parentId: store.id, since }),
  };
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

export const storeReadsService = {
  /**
   * A store's memberships, in one statement for every store of the request
   * (platform and tier: the catalogue). Outside the store's team each shows
   * its public part only.
   */
  memberships(ctx: Context, store: Store): Promise<StorePlatform[]> {
    const memberships = storeMemberships.load(ctx.loaders, store);
    return ctx
      .viewer()
      .then((viewer) => (policy.onStoreTeam(viewer, store) ? memberships : memberships.then(publicMemberships)));
  },

  /** The membership whose subscription governs the store (see `governsStore`). */
  async primaryMembership(ctx: Context, store: Store): Promise<StorePlatform | null> {
    return (await this.memberships(ctx, store)).find(governsStore) ?? null;
  },

  /** The store's subscription on the platform `platformCode` (null: not a member); the store team's only. */
  async subscriptionOn(ctx: Context, store: Store, platformCode: string): Promise<StoreSubscription | null> {
    await assertStoreTeam(ctx, store);
    const [memberships, platform] = await Promise.all([
      this.memberships(ctx, store),
      platformService.byCode(ctx, platformCode),
    ]);
    const membership = memberships.find((m) => m.platformId === platform?.id);
    return membership ? this.subscriptionOf(ctx, membership, store) : null;
  },

  /** A membership's subscription; the store team's only. */
  async subscriptionOf(ctx: Context, membership: StorePlatform, store?: Store): Promise<StoreSubscription | null> {
    await assertStoreTeam(ctx, store ?? (await this.storeOf(ctx, membership)));
    const [subscription] = await ctx.loaders.childrenOf(StoreSubscription, 'storePlatformId').load(membership.id);
    return subscription ?? null;
  },

  /** A membership's store (deleted ones too: a deleted store's memberships are shown to ADMIN). */
  async storeOf(ctx: Context, membership: StorePlatform): Promise<Store> {
    return (await ctx.loaders.byId(Store, { withDeleted: true }).load(membership.storeId))!;
  },

  /** Team members, pending invitations included. */
  async team(ctx: Context, store: Store): Promise<StoreUser[]> {
    await assertStoreTeam(ctx, store);
    return ctx.loaders.childrenOf(StoreUser, 'storeId').load(store.id);
  },

  customers: (ctx: Context, store: Store, args: PageArgs) => childrenOf(ctx, store, Customer, args),
  products: (ctx: Context, store: Store, args: PageArgs) => childrenOf(ctx, store, Product, args),

  /** Orders within the tier's order history. */
  async orders(ctx: Context, store: Store, args: PageArgs): Promise<Listing<Order>> {
    const since = await subscriptionService.orderHistorySince(ctx, store.id);
    return childrenOf(ctx, store, Order, args, { column: 'placedAt', since });
  },
};
