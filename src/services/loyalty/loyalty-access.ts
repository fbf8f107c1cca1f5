import type { EntityManager } from 'typeorm';
import { DomainError, InvalidInputError, UserErrorCode, notFound } from '../../common/errors';
import { idOf } from '../../common/global-id';
import { ACCESS_STATUSES, SubscriptionStatus } from '../../entities/subscriptions/enums';
import { LoyaltyCard } from '../../entities/loyalty/loyalty-card.entity';
import { LoyaltyProgram } from '../../entities/loyalty/loyalty-program.entity';

export interface CardRef {
  id?: string | null;
  cardNumber?: string | null;
  qrCodeData?: string | null;
}

/**
 * Loyalty operations need the store to be an active member of the `loyalty`
 * platform with a subscription that still allows access.
 */
export async function assertOnLoyaltyPlatform(em: EntityManager, storeId: number): Promise<void> {
  const rows: Array<{ status: SubscriptionStatus | null }> = await em.query(
    `SELECT sub.status FROM store_platforms sp
       JOIN platforms p ON p.id = sp.platform_id AND p.code = 'loyalty'
       LEFT JOIN store_subscriptions sub ON sub.store_platform_id = sp.id
      WHERE sp.store_id = $1 AND sp.deleted_at IS NULL AND sp.is_active`,
    [storeId],
  );
  if (rows.length === 0) {
    throw new DomainError(UserErrorCode.NOT_ON_PLATFORM, 'The store is not on the loyalty platform', ['storeId']);
  }
  if (!rows[0].status || !ACCESS_STATUSES.includes(rows[0].status)) {
    throw new DomainError(UserErrorCode.SUBSCRIPTION_INACTIVE, "The store's loyalty subscription is not active", [
      'storeId',
    ]);
  }
}

/** The merchant's live program; PROGRAM_INACTIVE when it is switched off. */
export async function activeProgramOf(em: EntityManager, merchantId: number): Promise<LoyaltyProgram> {
  const program = await em.findOne(LoyaltyProgram, { where: { merchantId } });
  if (!program) throw notFound('Loyalty program', ['storeId']);
  if (!program.isActive) throw new DomainError(UserErrorCode.PROGRAM_INACTIVE, 'The loyalty program is inactive');
  return program;
}

/** Finds a live card of `merchantId` by exactly one of id, card number or QR data, locked for the change. */
export async function lockCard(em: EntityManager, merchantId: number, ref: CardRef): Promise<LoyaltyCard> {
  const given = [ref.id, ref.cardNumber, ref.qrCodeData].filter((v) => v != null && v !== '');
  if (given.length !== 1) throw new InvalidInputError('Give exactly one of id, cardNumber or qrCodeData', 'card');
  const id = ref.id ? idOf('LoyaltyCard', ref.id) : undefined;
  if (id === null) throw notFound('Card', ['card']);
  const where =
    id !== undefined ? { id } : ref.cardNumber ? { cardNumber: ref.cardNumber } : { qrCodeData: ref.qrCodeData! };
  const card = await em.findOne(LoyaltyCard, { where: { ...where, merchantId }, lock: { mode: 'pessimistic_write' } });
  if (!card) throw notFound('Card', ['card']);
  return card;
}
