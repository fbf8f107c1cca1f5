import { DomainError, notFound, UserErrorCode } from '../../common/errors';
import { idOf } from '../../common/global-id';
import type { Context } from '../../context';
import { type LoyaltyProgram } from '../../entities/loyalty/loyalty-program.entity';
import type { Store } from '../../entities/tenancy/store.entity';
import { policy } from '../../policy/policy';
import { loyaltyContextRow } from '../../repositories/loyalty/loyalty.repository';
import { allowsAccess } from '../subscriptions/limit-rules';
import { viewerOf } from '../tenancy/scoped';

/** What loyalty operations use of their store. */
export type LoyaltyStore = Pick<Store, 'id' | 'merchantId'>;

export interface LoyaltyContext {
  store: LoyaltyStore;
  /** The merchant's live program, active. */
  program: LoyaltyProgram;
}

/**
 * Where a loyalty operation runs, read in one statement and checked in this
 * order: the store in the viewer's scope (NOT_FOUND, as `findStore`),
 * an active member of the `loyalty` platform (NOT_ON_PLATFORM) with a
 * subscription that still allows access (SUBSCRIPTION_INACTIVE), and the
 * merchant's live program (NOT_FOUND) switched on (PROGRAM_INACTIVE).
 */
export async function loyaltyContextOf(ctx: Context, storeGlobalId: string): Promise<LoyaltyContext> {
  const viewer = await viewerOf(ctx);
  const id = idOf('Store', storeGlobalId);
  const row = id === null ? undefined : await loyaltyContextRow(ctx.manager, id);
  const store = row && { id: row.id, merchantId: row.merchant_id };
  // Row-level security leaves out a store the caller may not see; a storefront's is seen but not the caller's to act on.
  if (!store || !policy.onStoreTeam(viewer, store)) throw notFound('Store', ['storeId']);
  if (!row.on_platform) {
    throw new DomainError(UserErrorCode.NOT_ON_PLATFORM, 'The store is not on the loyalty platform', ['storeId']);
  }
  if (!row.subscription_status || !allowsAccess({ status: row.subscription_status })) {
    throw new DomainError(UserErrorCode.SUBSCRIPTION_INACTIVE, "The store's loyalty subscription is not active", [
      'storeId',
    ]);
  }
  const program = row.program;
  if (!program) throw notFound('Loyalty program', ['storeId']);
  if (!program.isActive) throw new DomainError(UserErrorCode.PROGRAM_INACTIVE, 'The loyalty program is inactive');
  return { store, program };
}
