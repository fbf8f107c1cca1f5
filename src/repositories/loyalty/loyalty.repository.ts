import type { EntityManager } from 'typeorm';

import { leanQuery, leanShape } from '../../db/lean';
import { LoyaltyProgram } from '../../entities/loyalty/loyalty-program.entity';
import type { SubscriptionStatus } from '../../entities/subscriptions/enums';
import { Customer } from '../../entities/tenancy/customer.entity';
import { activeOnPlatformSql } from '../subscriptions/subscription-rules.sql';

/**
 * The loyalty services' reads of a store and its customers: the loyalty
 * context of a store and the customer an enrolment is for. Cards are read in
 * `card.repository.ts` and written with their ledger in
 * `card-ledger.repository.ts`; programs are in `program.repository.ts`,
 * staff PINs and a store's PIN lockout in `staff-pin.repository.ts`.
 * Row-level security applies to all of them (they run in the request's
 * transaction): none filters by tenant.
 */

/**
 * The live store by id, its membership of the `loyalty` platform (active and
 * live) with its subscription's status, and its merchant's live program as
 * JSON (no row when the store is missing or deleted).
 *
 * The membership is the one that puts the store on the loyalty platform
 * (`activeOnPlatform`, primary or not): its subscription, not the one that
 * governs the store, decides whether loyalty operations may run;
 * loyalty-access.ts judges its status with `allowsAccess`.
 */
const LOYALTY_CONTEXT_SQL = `
  SELECT s.id, s.merchant_id, membership.id IS NOT NULL AS on_platform,
         membership.status AS subscription_status, to_json(p) AS program
    FROM stores s
    LEFT JOIN LATERAL (
          SELECT sp.id, sub.status FROM store_platforms sp
            JOIN platforms pl ON pl.id = sp.platform_id AND pl.code = 'loyalty'
            LEFT JOIN store_subscriptions sub ON sub.store_platform_id = sp.id
           WHERE sp.store_id = s.id AND ${activeOnPlatformSql('sp')}
           LIMIT 1) membership ON true
    LEFT JOIN loyalty_programs p ON p.merchant_id = s.merchant_id AND p.deleted_at IS NULL
   WHERE s.id = $1 AND s.deleted_at IS NULL`;

/** The loyalty context of the live store `storeId` (undefined: no such store in reach). */
export async function loyaltyContextRow(manager: EntityManager, storeId: number) {
  const [row] = await leanQuery<{
    id: number;
    merchant_id: number;
    on_platform: boolean;
    subscription_status: SubscriptionStatus | null;
    program: Record<string, unknown> | null;
  }>(manager, LOYALTY_CONTEXT_SQL, [storeId]);
  if (!row) return undefined;
  return { ...row, program: row.program && leanShape(manager, LoyaltyProgram).fromJson(row.program) };
}

/** The live customer `id` of a live store of `merchantId`, locked (null when none, or out of the caller's reach). */
export function lockMerchantCustomer(em: EntityManager, id: number, merchantId: number): Promise<Customer | null> {
  return em
    .createQueryBuilder(Customer, 'customer')
    .innerJoin('stores', 's', 's.id = customer.store_id AND s.deleted_at IS NULL')
    .where('customer.id = :id AND s.merchant_id = :merchantId', { id, merchantId })
    .setLock('pessimistic_write', undefined, ['customer'])
    .getOne();
}

/** The live customer of `storeId` with `email` (lower case), made if missing, locked. */
export async function lockStoreCustomerByEmail(
  em: EntityManager,
  storeId: number,
  customer: { email: string; name?: string | null; phone?: string | null },
): Promise<Customer> {
  await em.query(
    `INSERT INTO customers (store_id, email, name, phone) VALUES ($1, $2, $3, $4)
     ON CONFLICT (store_id, email) WHERE deleted_at IS NULL DO NOTHING`,
    [storeId, customer.email, customer.name ?? null, customer.phone ?? null],
  );
  return em.findOneOrFail(Customer, { where: { storeId, email: customer.email }, lock: { mode: 'pessimistic_write' } });
}
