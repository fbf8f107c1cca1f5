import type { EntityManager } from 'typeorm';

import { DomainError, notFound, UserErrorCode } from '../../common/errors';
import type { Context } from '../../context';
import { SubscriptionStatus } from '../../entities/subscriptions/enums';
import type { StoreSubscription } from '../../entities/subscriptions/store-subscription.entity';
import { subscriptionsDueForRollover, trialsDueToEnd } from '../../repositories/subscriptions/lifecycle.repository';
import {
  findSubscriptionOnPlatform,
  saveSubscription,
  setMembershipTier,
  storeUsage,
} from '../../repositories/subscriptions/subscription.repository';
import { findMembershipById } from '../../repositories/tenancy/store-platform.repository';
import { clock } from '../clock';
import { findStore } from '../tenancy/scoped';
import { allowsAccess, effectiveLimit, type LimitKind } from './limit-rules';
import { subscriptionService } from './subscription.service';

export interface ChangeTierInput {
  storeId: string;
  platformCode: string;
  tierCode: string;
  annual?: boolean | null;
}

export interface CancelInput {
  storeId: string;
  platformCode: string;
  reason?: string | null;
}

/** Adds whole billing periods to `from` (calendar months, or years when annual). */
function addPeriods(from: Date, annual: boolean, count = 1): Date {
  const next = new Date(from);
  if (annual) next.setUTCFullYear(next.getUTCFullYear() + count);
  else next.setUTCMonth(next.getUTCMonth() + count);
  return next;
}

/** The membership's subscription on a platform, locked, for a store the caller manages. */
async function lockManagedSubscription(ctx: Context, em: EntityManager, storeGlobalId: string, platformCode: string) {
  const store = await findStore(ctx, em, storeGlobalId, { access: 'manage', field: ['storeId'] });
  const subscription = await findSubscriptionOnPlatform(em, store.id, platformCode, true);
  if (!subscription) {
    throw new DomainError(UserErrorCode.NOT_ON_PLATFORM, `The store is not on the ${platformCode} platform`, [
      'platformCode',
    ]);
  }
  // The subscription was found through its live membership, under lock: it is there.
  const membership = await findMembershipById(em, subscription.storePlatformId);
  if (!membership) throw new Error(`subscription ${subscription.id} has no live membership`);
  return { store, subscription, membership };
}

async function setTier(em: EntityManager, subscription: StoreSubscription, tierId: number): Promise<void> {
  subscription.tierId = tierId;
  await setMembershipTier(em, subscription.storePlatformId, tierId);
}

const LIMIT_NAMES: Record<LimitKind, string> = {
  orders: 'orders this period',
  products: 'products',
  teamMembers: 'team members',
};

/** Tier changes, cancellation and the period and trial rules that the maintenance jobs apply. */
export const lifecycleService = {
  /** Upgrades apply now; downgrades at period end, and only when current usage fits the new tier. */
  async changeTier(ctx: Context, input: ChangeTierInput): Promise<StoreSubscription> {
    return ctx.manager.transaction(async (em) => {
      const { store, subscription, membership } = await lockManagedSubscription(
        ctx,
        em,
        input.storeId,
        input.platformCode,
      );
      if (!allowsAccess(subscription)) {
        throw new DomainError(UserErrorCode.SUBSCRIPTION_INACTIVE, 'The subscription has expired', ['storeId']);
      }
      const target = await subscriptionService.findTier(ctx, membership.platformId, input.tierCode);
      if (!target) throw notFound('Tier', ['tierCode']);
      const current = await ctx.loaders.tier(subscription.tierId);
      const annual = input.annual ?? subscription.isAnnual;
      if (current?.id === target.id && annual === subscription.isAnnual) {
        throw new DomainError(UserErrorCode.INVALID_STATE, `The subscription is already on ${target.name}`, [
          'tierCode',
        ]);
      }
      if (!current || target.priceMonthlyCents >= current.priceMonthlyCents) {
        await setTier(em, subscription, target.id);
        Object.assign(subscription, { isAnnual: annual, scheduledTierId: null, scheduledChangeAt: null });
        return saveSubscription(em, subscription);
      }
      const usage: Record<LimitKind, number> = {
        orders: subscription.ordersThisPeriod,
        products: await storeUsage(em, store.id, 'products'),
        teamMembers: await storeUsage(em, store.id, 'teamMembers'),
      };
      for (const kind of ['orders', 'products', 'teamMembers'] as const) {
        const limit = effectiveLimit(subscription, target, kind);
        if (limit !== null && usage[kind] > limit) {
          throw new DomainError(
            UserErrorCode.LIMIT_REACHED,
            `${target.name} allows ${limit} ${LIMIT_NAMES[kind]}; the store has ${usage[kind]}`,
            ['tierCode'],
          );
        }
      }
      Object.assign(subscription, {
        scheduledTierId: target.id,
        scheduledChangeAt: subscription.periodEnd,
        isAnnual: annual,
      });
      return saveSubscription(em, subscription);
    });
  },

  /** Cancels at period end: access continues until then, when the rollover expires it. */
  async cancel(ctx: Context, input: CancelInput): Promise<StoreSubscription> {
    return ctx.manager.transaction(async (em) => {
      const { subscription } = await lockManagedSubscription(ctx, em, input.storeId, input.platformCode);
      if (subscription.status === SubscriptionStatus.CANCELLED || subscription.status === SubscriptionStatus.EXPIRED) {
        throw new DomainError(
          UserErrorCode.INVALID_STATE,
          `The subscription is already ${subscription.status.toLowerCase()}`,
          ['storeId'],
        );
      }
      Object.assign(subscription, {
        status: SubscriptionStatus.CANCELLED,
        cancelledAt: clock.now(),
        cancellationReason: input.reason ?? null,
        scheduledTierId: null,
        scheduledChangeAt: null,
      });
      return saveSubscription(em, subscription);
    });
  },

  /**
   * PERIOD_ROLLOVER: every paid subscription whose period has ended starts a
   * new one (counters reset, a scheduled tier change applied); a cancelled
   * one expires instead. Each row is locked and skipped if another worker holds it.
   */
  async rollOverPeriods(em: EntityManager): Promise<number> {
    const now = clock.now();
    return em.transaction(async (tx) => {
      const due = await subscriptionsDueForRollover(tx, now);
      for (const sub of due) {
        if (sub.status === SubscriptionStatus.CANCELLED) {
          sub.status = SubscriptionStatus.EXPIRED;
        } else {
          let end = sub.periodEnd;
          let start = sub.periodStart;
          while (end <= now) [start, end] = [end, addPeriods(end, sub.isAnnual)];
          Object.assign(sub, { periodStart: start, periodEnd: end, ordersThisPeriod: 0, ordersLimitReachedAt: null });
          if (sub.scheduledTierId !== null) await setTier(tx, sub, sub.scheduledTierId);
          Object.assign(sub, { scheduledTierId: null, scheduledChangeAt: null });
        }
        await saveSubscription(tx, sub);
      }
      return due.length;
    });
  },

  /** TRIAL_EXPIRY: a trial past its end becomes ACTIVE when a card was collected, else EXPIRED. */
  async expireTrials(em: EntityManager): Promise<number> {
    const now = clock.now();
    return em.transaction(async (tx) => {
      const due = await trialsDueToEnd(tx, now);
      for (const sub of due) {
        if (sub.cardCollectedAt || sub.stripeSubscriptionId) {
          Object.assign(sub, {
            status: SubscriptionStatus.ACTIVE,
            periodStart: sub.trialEndsAt,
            periodEnd: addPeriods(sub.trialEndsAt!, sub.isAnnual),
            ordersThisPeriod: 0,
            ordersLimitReachedAt: null,
          });
        } else {
          sub.status = SubscriptionStatus.EXPIRED;
        }
        await saveSubscription(tx, sub);
      }
      return due.length;
    });
  },
};
