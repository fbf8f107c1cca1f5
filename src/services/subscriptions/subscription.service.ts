import type { EntityManager } from 'typeorm';

import { DomainError, notFound, UserErrorCode } from '../../common/errors';
import type { Context } from '../../context';
import { SubscriptionStatus } from '../../entities/subscriptions/enums';
import { StoreAddOn } from '../../entities/subscriptions/store-add-on.entity';
import { StoreSubscription } from '../../entities/subscriptions/store-subscription.entity';
import type { SubscriptionTier } from '../../entities/subscriptions/subscription-tier.entity';
import { Product } from '../../entities/tenancy/product.entity';
import { StorePlatform } from '../../entities/tenancy/store-platform.entity';
import { StoreUser } from '../../entities/tenancy/store-user.entity';
import {
  countOrder,
  createSubscription,
  findGoverningSubscription,
  setMembershipTier,
  storeUsage,
} from '../../repositories/subscriptions/subscription.repository';
import { tierById } from '../../repositories/subscriptions/tier.repository';
import { clock } from '../clock';
import { checkLimit, effectiveLimit, type LimitKind, upgradeFor } from './limit-rules';
import { governsStore, grantsFeature } from './subscription-rules';

const DEFAULT_TIER_CODE = 'essential';
const DAY_MS = 86_400_000;

/** The active tier a platform offers under `code`, from the request's catalogue: its own tier first, else the global one. */
async function findTier(ctx: Context, platformId: number, code: string): Promise<SubscriptionTier | null> {
  const { tiers } = await ctx.loaders.catalog();
  const offered = [...tiers.values()].filter(
    (t) => t.code === code && t.isActive && (t.platformId === platformId || t.platformId === null),
  );
  return offered.find((t) => t.platformId === platformId) ?? offered[0] ?? null;
}

/**
 * Tiers a platform offers (its own and the global ones), by display order then
 * price; public ones unless `includeHidden`. From the request's catalogue.
 */
async function tiersOf(ctx: Context, platformId: number | null, includeHidden: boolean): Promise<SubscriptionTier[]> {
  const { tiers } = await ctx.loaders.catalog();
  return [...tiers.values()]
    .filter(
      (t) => t.isActive && (t.platformId === null || t.platformId === platformId) && (includeHidden || t.isPublic),
    )
    .sort((a, b) => a.displayOrder - b.displayOrder || a.priceMonthlyCents - b.priceMonthlyCents);
}

/** Starts the TRIAL of a new membership on `tierCode` (default essential), for `config.trialDays` days. */
async function startTrial(
  ctx: Context,
  em: EntityManager,
  membership: StorePlatform,
  tierCode: string | null | undefined,
): Promise<StoreSubscription> {
  const tier = await findTier(ctx, membership.platformId, tierCode ?? DEFAULT_TIER_CODE);
  if (!tier) throw notFound('Tier', ['tierCode']);
  const now = clock.now();
  const trialEnd = new Date(now.getTime() + ctx.config.trialDays * DAY_MS);
  membership.tierId = tier.id;
  await setMembershipTier(em, membership.id, tier.id);
  return createSubscription(em, {
    storePlatformId: membership.id,
    tierId: tier.id,
    status: SubscriptionStatus.TRIAL,
    periodStart: now,
    periodEnd: trialEnd,
    trialEndsAt: trialEnd,
  });
}

/**
 * The subscription that governs a store's orders, products and team (see
 * governsStore), with its tier. Locked when `lock` is set, so a count and the
 * insert it allows happen one store at a time.
 */
async function governingSubscription(em: EntityManager, storeId: number, lock: boolean) {
  const subscription = await findGoverningSubscription(em, storeId, lock);
  if (!subscription) {
    throw new DomainError(UserErrorCode.NOT_ON_PLATFORM, 'The store has no platform membership with a subscription', [
      'storeId',
    ]);
  }
  const tier = subscription.tierId === null ? null : await tierById(em, subscription.tierId);
  return { subscription, tier };
}

function refuse(verdict: ReturnType<typeof checkLimit>): never {
  throw new DomainError(verdict.code!, verdict.message!, ['storeId']);
}

/**
 * Counts one order against the period's effective order limit in the caller's
 * transaction (a conditional UPDATE, so concurrent orders never pass the
 * limit); when refused, says why as checkLimit does.
 */
async function consumeOrder(em: EntityManager, storeId: number): Promise<void> {
  if (await countOrder(em, storeId, clock.now())) return;
  const { subscription, tier } = await governingSubscription(em, storeId, false);
  refuse(checkLimit(subscription, tier, 'orders', subscription.ordersThisPeriod));
}

/** Refuses one more product or team member past the limit; holds the subscription lock until the caller commits. */
async function assertCanAdd(em: EntityManager, storeId: number, kind: Exclude<LimitKind, 'orders'>): Promise<void> {
  const { subscription, tier } = await governingSubscription(em, storeId, true);
  const current = await storeUsage(em, storeId, kind);
  const verdict = checkLimit(subscription, tier, kind, current);
  if (!verdict.allowed) refuse(verdict);
}

/**
 * Subscriptions: the tiers a platform offers, a membership's trial, the
 * governing subscription and the limits it sets, and a subscription as the
 * API shows it (limits with overrides, usage, checks, features).
 */
export const subscriptionService = {
  findTier,
  tiersOf,
  startTrial,
  governingSubscription,
  consumeOrder,
  assertCanAdd,

  tier(ctx: Context, subscription: StoreSubscription) {
    return ctx.loaders.tier(subscription.tierId);
  },

  async storeIdOf(ctx: Context, subscription: StoreSubscription): Promise<number> {
    const membership = await ctx.loaders.byId(StorePlatform, { withDeleted: true }).load(subscription.storePlatformId);
    return membership!.storeId;
  },

  async used(ctx: Context, subscription: StoreSubscription, kind: LimitKind): Promise<number> {
    if (kind === 'orders') return subscription.ordersThisPeriod;
    const storeId = await this.storeIdOf(ctx, subscription);
    return kind === 'products'
      ? ctx.loaders.countOf(Product, 'storeId').load({ parentId: storeId })
      : ctx.loaders.countOf(StoreUser, 'storeId').load({ parentId: storeId });
  },

  async limitCheck(ctx: Context, subscription: StoreSubscription, kind: LimitKind) {
    const [tier, used] = await Promise.all([this.tier(ctx, subscription), this.used(ctx, subscription, kind)]);
    const verdict = checkLimit(subscription, tier, kind, used);
    const membership = await ctx.loaders.byId(StorePlatform, { withDeleted: true }).load(subscription.storePlatformId);
    const tiers = await tiersOf(ctx, membership!.platformId, false);
    return { ...verdict, upgradeTo: verdict.allowed ? null : upgradeFor(tiers, tier, kind, used) };
  },

  async hasFeature(ctx: Context, subscription: StoreSubscription, code: string): Promise<boolean> {
    return grantsFeature(subscription, await this.tier(ctx, subscription), code);
  },

  /**
   * The oldest order a store may list: its governing subscription's tier keeps
   * `orderHistoryMonths` of history (null = all; all when it has none).
   */
  async orderHistorySince(ctx: Context, storeId: number): Promise<Date | null> {
    const memberships = await ctx.loaders.childrenOf(StorePlatform, 'storeId').load(storeId);
    const governing = memberships.find(governsStore);
    if (!governing) return null;
    const [subscription] = await ctx.loaders.childrenOf(StoreSubscription, 'storePlatformId').load(governing.id);
    const tier = subscription ? await this.tier(ctx, subscription) : null;
    if (!tier || tier.orderHistoryMonths === null) return null;
    const since = clock.now();
    since.setUTCMonth(since.getUTCMonth() - tier.orderHistoryMonths);
    return since;
  },

  /** What the subscription has used of each limit in force, and what remains. */
  async usage(ctx: Context, subscription: StoreSubscription) {
    const tier = await this.tier(ctx, subscription);
    const metric = async (kind: LimitKind) => {
      const [used, limit] = [await this.used(ctx, subscription, kind), effectiveLimit(subscription, tier, kind)];
      return { used, limit, remaining: limit === null ? null : Math.max(0, limit - used) };
    };
    const cmsLimit = tier?.cmsPagesLimit ?? null;
    return {
      orders: await metric('orders'),
      products: await metric('products'),
      teamMembers: await metric('teamMembers'),
      cmsPages: { used: 0, limit: cmsLimit, remaining: cmsLimit },
    };
  },

  /** The add-ons of the subscription's store. */
  async addOns(ctx: Context, subscription: StoreSubscription): Promise<StoreAddOn[]> {
    return ctx.loaders.childrenOf(StoreAddOn, 'storeId').load(await this.storeIdOf(ctx, subscription));
  },

  trialDaysRemaining(subscription: StoreSubscription): number | null {
    if (subscription.status !== SubscriptionStatus.TRIAL || !subscription.trialEndsAt) return null;
    return Math.max(0, Math.floor((subscription.trialEndsAt.getTime() - clock.now().getTime()) / DAY_MS));
  },
};
