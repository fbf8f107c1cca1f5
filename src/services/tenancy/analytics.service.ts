import type { Context } from '../../context';
import { InvalidInputError } from '../../common/errors';
import { findStore } from './scoped';

export const ANALYTICS_TIME_ZONE = 'Europe/Luxembourg';
const MAX_DAYS = 366;

export interface AnalyticsDay {
  date: string;
  currency: string;
  orders: number;
  revenueCents: number;
}

/**
 * Orders and revenue per calendar day (Europe/Luxembourg) of a store, every
 * day of the range included (EUR rows with zeros on quiet days; other
 * currencies only on days they occur). Gated on `analytics_dashboard`.
 */
export async function storeAnalytics(
  ctx: Context,
  storeGlobalId: string,
  from: Date,
  to: Date,
): Promise<AnalyticsDay[]> {
  if (to.getTime() < from.getTime()) throw new InvalidInputError('`to` must not be before `from`', 'to');
  if (to.getTime() - from.getTime() > MAX_DAYS * 86_400_000) {
    throw new InvalidInputError(`The range may span at most ${MAX_DAYS} days`, 'to');
  }
  const store = await findStore(ctx, ctx.manager, storeGlobalId, { access: 'team', field: ['storeId'] });
  const rows: Array<{ date: string; currency: string; orders: number; revenue_cents: string }> =
    await ctx.manager.query(
      `WITH days AS (
       SELECT generate_series(($2::timestamptz AT TIME ZONE $4)::date, ($3::timestamptz AT TIME ZONE $4)::date, '1 day')::date AS day
     ), totals AS (
       SELECT (placed_at AT TIME ZONE $4)::date AS day, currency, count(*)::int AS orders, sum(total_cents) AS revenue_cents
         FROM orders
        WHERE store_id = $1 AND deleted_at IS NULL AND placed_at >= $2 AND placed_at <= $3
        GROUP BY 1, 2
     )
     SELECT to_char(days.day, 'YYYY-MM-DD') AS date, coalesce(t.currency, 'EUR') AS currency,
            coalesce(t.orders, 0) AS orders, coalesce(t.revenue_cents, 0) AS revenue_cents
       FROM days LEFT JOIN totals t ON t.day = days.day
      ORDER BY days.day, currency`,
      [store.id, from, to, ANALYTICS_TIME_ZONE],
    );
  return rows.map((r) => ({
    date: r.date,
    currency: r.currency,
    orders: r.orders,
    revenueCents: Number(r.revenue_cents),
  }));
}
