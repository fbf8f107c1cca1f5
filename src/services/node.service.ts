import { fromGlobalId } from '../common/global-id';
import type { Context } from '../context';
import {
  AddOnProduct,
  BillingHistory,
  CapacitySnapshot,
  Customer,
  type Feature,
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
  type SubscriptionTier,
  User,
} from '../entities';
import type { Model } from '../entities/base';
import { policy } from '../policy/policy';
import { invitee } from './tenancy/invitee';

const isAdmin = async (ctx: Context): Promise<boolean> => !!(await ctx.viewer())?.isAdmin;

/**
 * How each type is loaded (live rows only). Row-level security leaves out
 * every tenant row the caller may not see, so a tenant type needs no rule of
 * its own; `allowed` holds what the policies do not decide: the catalogue
 * shown as its lists show it, ADMIN-only types, users (not a tenant's), and
 * staff PINs (the owner's to see).
 */
const nodeTypes: Record<
  string,
  {
    load: (ctx: Context, id: number) => Promise<Model | null>;
    allowed?: (ctx: Context, row: never) => Promise<boolean>;
  }
> = {
  Platform: { load: async (ctx, id) => ctx.loaders.platform(id) },
  AddOnProduct: { load: (ctx, id) => ctx.loaders.byId(AddOnProduct).load(id) },
  // The catalogue as its lists show it: public active tiers and active features to anyone, all of them to ADMIN.
  SubscriptionTier: {
    load: async (ctx, id) => ctx.loaders.tier(id),
    allowed: async (ctx, tier: SubscriptionTier) => (tier.isActive && tier.isPublic) || isAdmin(ctx),
  },
  Feature: {
    load: async (ctx, id) => (await ctx.loaders.catalog()).features.find((f) => f.id === id) ?? null,
    allowed: async (ctx, feature: Feature) => feature.isActive || isAdmin(ctx),
  },
  CapacitySnapshot: { load: (ctx, id) => ctx.loaders.byId(CapacitySnapshot).load(id), allowed: isAdmin },
  // A pending invitation's invitee (see tenancy/invitee.ts), seen by who sees the store's team.
  Invitee: {
    load: async (ctx, id) => {
      const member = await ctx.loaders.byId(StoreUser).load(id);
      if (!member || member.acceptedAt !== null) return null;
      const user = await ctx.loaders.byId(User).load(member.userId);
      return user && invitee(member, user.email);
    },
  },
  User: {
    load: (ctx, id) => ctx.loaders.byId(User).load(id),
    allowed: async (ctx, user: User) => policy.seesUser(await ctx.viewer(), user.id),
  },
  StaffPin: {
    load: (ctx, id) => ctx.loaders.byId(StaffPin).load(id),
    allowed: async (ctx, pin: StaffPin) => {
      const program = await ctx.loaders.byId(LoyaltyProgram).load(pin.programId);
      return !!program && policy.managesMerchant(await ctx.viewer(), program.merchantId);
    },
  },
  ...Object.fromEntries(
    [
      Merchant,
      Store,
      StoreApiKey,
      StorePlatform,
      StoreUser,
      StoreSubscription,
      BillingHistory,
      StoreAddOn,
      Customer,
      Product,
      Order,
      LoyaltyProgram,
      LoyaltyCard,
      LoyaltyTransaction,
    ].map((type) => [type.name, { load: (ctx: Context, id: number) => ctx.loaders.byId<Model>(type).load(id) }]),
  ),
};

/** The types `node` resolves (a test holds them against the schema's Node implementations). */
const typeNames = (): string[] => Object.keys(nodeTypes);

/** Relay `node`: any object the caller may see, else null (out of scope looks like missing). */
async function resolve(ctx: Context, globalId: string): Promise<Model | null> {
  const parsed = fromGlobalId(globalId);
  const type = parsed && Object.hasOwn(nodeTypes, parsed.type) ? nodeTypes[parsed.type] : null;
  if (!parsed || !type) return null;
  const row = await type.load(ctx, parsed.id);
  return row && (!type.allowed || (await type.allowed(ctx, row as never))) ? row : null;
}

/** Relay object identification: `node` and `nodes`. */
export const nodeService = { typeNames, resolve };
