import { InvalidInputError } from '../../common/errors';
import type { Context } from '../../context';
import { type DailyOrderTotals, dailyOrderTotals } from '../../repositories/tenancy/analytics.repository';
import { findStore } from './scoped';

const ANALYTICS_TIME_ZONE = 'Europe/Luxembourg';
const MAX_DAYS = 366;

export type AnalyticsDay = DailyOrderTotals;

/**
 * Orders and revenue per calendar day (Europe/Luxembourg) of a store, every
 * day of the range included (EUR rows with zeros on quiet days; other
 * currencies only on days they occur). Gated on `analytics_dashboard`.
 */
async function storeAnalytics(ctx: Context, storeGlobalId: string, from: Date, to: Date): Promise<AnalyticsDay[]> {
  if (to.getTime() < from.getTime()) throw new InvalidInputError('`to` must not be before `from`', 'to');
  if (to.getTime() - from.getTime() > MAX_DAYS * 86_400_000) {
    throw new InvalidInputError(`The range may span at most ${MAX_DAYS} days`, 'to');
  }
  const store = await findStore(ctx, ctx.manager, storeGlobalId, { access: 'team', field: ['storeId'] });
  return dailyOrderTotals(ctx.manager, store.id, from, to, ANALYTICS_TIME_ZONE);
}

/** A store's sales analytics (feature `analytics_dashboard`). */
export const analyticsService = { storeAnalytics };
