import type { Context } from '../context';
import { fromGlobalId } from '../common/global-id';
import type { Model } from '../entities/base';
import {
  AddOnProduct,
  BillingHistory,
  CapacitySnapshot,
  Customer,
  Feature,
  LoyaltyCard,
  LoyaltyProgram,
  LoyaltyTransaction,
  Merchant,
  Order,
  Product,
  StaffPin,
  Store,
  StoreAddOn,
  StoreApiKey,
  StorePlatform,
  StoreSubscription,
  StoreUser,
  SubscriptionTier,
  User,
} from '../entities';
import { invitee } from './tenancy/team.service';
import { scope } from './tenancy/viewer';

type StoreOwned = Customer | Order | Product | StorePlatform | StoreUser | StoreAddOn;

/** Whether the viewer may see a row owned by a store: the same rule as the store itself. */
async function storeVisible(ctx: Context, row: { storeId: number }): Promise<boolean> {
  const store = await ctx.loaders.byId(Store).load(row.storeId);
  return !!store && scope.canSeeStore(await ctx.viewer(), store);
}

/** A subscription is seen with its live membership's store (as `Store.subscription` shows it). */
async function subscriptionVisible(ctx: Context, subscription: StoreSubscription): Promise<boolean> {
  const membership = await ctx.loaders.byId(StorePlatform).load(subscription.storePlatformId);
  return !!membership && storeVisible(ctx, membership);
}

const isAdmin = async (ctx: Context): Promise<boolean> => !!(await ctx.viewer())?.isAdmin;

/** How each type is loaded (live rows only) and who may see it. */
const nodeTypes: Record<
  string,
  { load: (ctx: Context, id: number) => Promise<Model | null>; visible: (ctx: Context, row: never) => Promise<boolean> }
> = {
  Platform: {
    load: async (ctx, id) => ctx.loaders.platform(id),
    visible: async () => true,
  },
  AddOnProduct: { load: (ctx, id) => ctx.loaders.byId(AddOnProduct).load(id), visible: async () => true },
  // The catalogue as its lists show it: public active tiers and active features to anyone, all of them to ADMIN.
  SubscriptionTier: {
    load: async (ctx, id) => ctx.loaders.tier(id),
    visible: async (ctx, tier: SubscriptionTier) => (tier.isActive && tier.isPublic) || isAdmin(ctx),
  },
  Feature: {
    load: async (ctx, id) => (await ctx.loaders.catalog()).features.find((f) => f.id === id) ?? null,
    visible: async (ctx, feature: Feature) => feature.isActive || isAdmin(ctx),
  },
  CapacitySnapshot: {
    load: (ctx, id) => ctx.loaders.byId(CapacitySnapshot).load(id),
    visible: (ctx) => isAdmin(ctx),
  },
  StoreSubscription: {
    load: (ctx, id) => ctx.loaders.byId(StoreSubscription).load(id),
    visible: subscriptionVisible,
  },
  BillingHistory: {
    load: (ctx, id) => ctx.loaders.byId(BillingHistory).load(id),
    visible: async (ctx, invoice: BillingHistory) => {
      const subscription = await ctx.loaders.byId(StoreSubscription).load(invoice.storeSubscriptionId);
      return !!subscription && subscriptionVisible(ctx, subscription);
    },
  },
  // A pending invitation's invitee (see team.service `invitee`), seen by who may see the store's team.
  Invitee: {
    load: async (ctx, id) => {
      const member = await ctx.loaders.byId(StoreUser).load(id);
      if (member?.acceptedAt !== null || !(await storeVisible(ctx, member))) return null;
      const user = await ctx.loaders.byId(User).load(member.userId);
      return user && invitee(member, user.email);
    },
    visible: async () => true,
  },
  User: {
    load: (ctx, id) => ctx.loaders.byId(User).load(id),
    visible: async (ctx, user: User) => {
      const viewer = await ctx.viewer();
      return !!viewer && (viewer.isAdmin || viewer.userId === user.id);
    },
  },
  Merchant: {
    load: (ctx, id) => ctx.loaders.byId(Merchant).load(id),
    visible: async (ctx, merchant: Merchant) => scope.canSeeMerchant(await ctx.viewer(), merchant.id),
  },
  Store: {
    load: (ctx, id) => ctx.loaders.byId(Store).load(id),
    visible: async (ctx, store: Store) => scope.canSeeStore(await ctx.viewer(), store),
  },
  StoreApiKey: {
    load: (ctx, id) => ctx.loaders.byId(StoreApiKey).load(id),
    visible: async (ctx, apiKey: StoreApiKey) => {
      const store = await ctx.loaders.byId(Store).load(apiKey.storeId);
      return !!store && scope.canManageStore(await ctx.viewer(), store);
    },
  },
  LoyaltyProgram: {
    load: (ctx, id) => ctx.loaders.byId(LoyaltyProgram).load(id),
    visible: async (ctx, program: LoyaltyProgram) => scope.canSeeMerchant(await ctx.viewer(), program.merchantId),
  },
  StaffPin: {
    load: (ctx, id) => ctx.loaders.byId(StaffPin).load(id),
    visible: async (ctx, pin: StaffPin) => {
      const program = await ctx.loaders.byId(LoyaltyProgram).load(pin.programId);
      return !!program && scope.canManageMerchant(await ctx.viewer(), program.merchantId);
    },
  },
  LoyaltyCard: {
    load: (ctx, id) => ctx.loaders.byId(LoyaltyCard).load(id),
    visible: async (ctx, card: LoyaltyCard) => scope.canSeeMerchant(await ctx.viewer(), card.merchantId),
  },
  LoyaltyTransaction: {
    load: (ctx, id) => ctx.loaders.byId(LoyaltyTransaction).load(id),
    visible: async (ctx, transaction: LoyaltyTransaction) => {
      const card = await ctx.loaders.byId(LoyaltyCard).load(transaction.cardId);
      return !!card && scope.canSeeMerchant(await ctx.viewer(), card.merchantId);
    },
  },
  ...Object.fromEntries(
    [StorePlatform, StoreUser, Customer, Product, Order, StoreAddOn].map((type) => [
      type.name,
      {
        load: (ctx: Context, id: number) => ctx.loaders.byId<StoreOwned>(type).load(id),
        visible: (ctx: Context, row: StoreOwned) => storeVisible(ctx, row),
      },
    ]),
  ),
};

/** The types `node` resolves (a test holds them against the schema's Node implementations). */
export const nodeTypeNames = (): string[] => Object.keys(nodeTypes);

/** Relay `node`: any object the caller may see, else null (out of scope looks like missing). */
export async function resolveNode(ctx: Context, globalId: string): Promise<Model | null> {
  const parsed = fromGlobalId(globalId);
  const type = parsed && Object.hasOwn(nodeTypes, parsed.type) ? nodeTypes[parsed.type] : null;
  if (!parsed || !type) return null;
  const row = await type.load(ctx, parsed.id);
  return row && (await type.visible(ctx, row as never)) ? row : null;
}
