import type { EntityManager } from 'typeorm';

/** One day's orders and revenue of a store in one currency. */
export interface DailyOrderTotals {
  date: string;
  currency: string;
  orders: number;
  revenueCents: number;
}

/**
 * Orders and revenue of the store's live orders placed in [from, to], per
 * calendar day in `timeZone` (YYYY-MM-DD) and currency, in day then currency
 * order. Every day of the range has a row: EUR with zeros on a day without
 * orders; another currency only on days it occurs.
 */
export async function dailyOrderTotals(
  em: EntityManager,
  storeId: number,
  from: Date,
  to: Date,
  timeZone: string,
): Promise<DailyOrderTotals[]> {
  const rows: Array<{ date: string; currency: string; orders: number; revenue_cents: string }> = await em.query(
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
    [storeId, from, to, timeZone],
  );
  return rows.map((r) => ({
    date: r.date,
    currency: r.currency,
    orders: r.orders,
    revenueCents: Number(r.revenue_cents),
  }));
}
