import { randomBytes, randomInt } from 'node:crypto';

import type { EntityManager } from 'typeorm';

import { DomainError, InvalidInputError, isUniqueViolation, notFound, UserErrorCode } from '../../common/errors';
import { idOf } from '../../common/global-id';
import type { Context } from '../../context';
import { LoyaltyProgram } from '../../entities/loyalty/loyalty-program.entity';
import type { Customer } from '../../entities/tenancy/customer.entity';
import { visible } from '../../policy/policy';
import { cardOfCustomer } from '../../repositories/loyalty/card.repository';
import { openCard, welcomeOf } from '../../repositories/loyalty/card-ledger.repository';
import { lockMerchantCustomer, lockStoreCustomerByEmail } from '../../repositories/loyalty/loyalty.repository';
import { clock } from '../clock';
import { loyaltyContextOf, type LoyaltyStore } from './loyalty-access';

export interface EnrollInput {
  programId: string;
  storeId: string;
  customerId?: string | null;
  customer?: { email: string; name?: string | null; phone?: string | null } | null;
  idempotencyKey?: string | null;
}

const cardNumber = (): string => {
  const digits = Array.from({ length: 12 }, () => randomInt(10)).join('');
  return `${digits.slice(0, 4)}-${digits.slice(4, 8)}-${digits.slice(8)}`;
};

/**
 * Enrolls a customer of one of the merchant's stores (found by id, or found
 * or created by email at this store): one live card per customer per
 * merchant, numbers and QR tokens from a CSPRNG, and a WELCOME_BONUS ledger
 * row (the program's bonus, possibly 0) that also carries the idempotency key.
 */
async function enroll(ctx: Context, input: EnrollInput) {
  if ((input.customerId == null) === (input.customer == null)) {
    throw new InvalidInputError('Give exactly one of customerId or customer', 'customerId');
  }
  const { store, program } = await loyaltyContextOf(ctx, input.storeId);
  // The answer's card { program } needs no statement of its own.
  ctx.loaders.byId(LoyaltyProgram).prime(program.id, program);
  if (idOf('LoyaltyProgram', input.programId) !== program.id) throw notFound('Loyalty program', ['programId']);
  for (let attempt = 0; ; attempt++) {
    try {
      return await ctx.manager.transaction(async (em) => {
        const customer = await enrolledCustomer(em, store, input);
        const existing = await cardOfCustomer(em, store.merchantId, customer.id);
        if (existing) {
          const first = input.idempotencyKey ? await welcomeOf(em, existing.id, input.idempotencyKey) : null;
          if (first) return { card: existing, customer, transaction: first };
          throw new DomainError(UserErrorCode.ALREADY_ENROLLED, 'The customer already has a card in this program', [
            'customerId',
          ]);
        }
        const now = clock.now();
        const bonus = program.isPointsEnabled ? program.welcomeBonusPoints : 0;
        const { card, transaction } = await openCard(
          em,
          {
            merchantId: store.merchantId,
            customerId: customer.id,
            programId: program.id,
            enrolledAtStoreId: store.id,
            cardNumber: cardNumber(),
            qrCodeData: randomBytes(24).toString('base64url'),
            appleAuthToken: randomBytes(32).toString('base64url'),
            pointsBalance: bonus,
            totalPointsEarned: bonus,
            lastPointsAt: bonus > 0 ? now : null,
            lastActivityAt: now,
          },
          { storeId: store.id, idempotencyKey: input.idempotencyKey ?? null, now },
        );
        return { card, customer, transaction };
      });
    } catch (error) {
      // A CSPRNG number or token collided with another card's: draw again.
      const collided =
        isUniqueViolation(error, 'uq_loyalty_cards_card_number') ||
        isUniqueViolation(error, 'uq_loyalty_cards_qr_code_data');
      if (collided && attempt < 3) continue;
      if (isUniqueViolation(error, 'uq_loyalty_cards_merchant_customer_live')) {
        throw new DomainError(UserErrorCode.ALREADY_ENROLLED, 'The customer already has a card in this program', [
          'customerId',
        ]);
      }
      throw error;
    }
  }
}

/**
 * The customer to enroll, locked so concurrent enrolments of one person
 * serialise. By id: a customer of the merchant the caller may see (row-level
 * security shows staff their own stores' customers and the holders of the
 * merchant's cards), else NOT_FOUND; by e-mail: found or made at this store.
 */
async function enrolledCustomer(em: EntityManager, store: LoyaltyStore, input: EnrollInput): Promise<Customer> {
  if (input.customerId) {
    const id = idOf('Customer', input.customerId);
    return visible(id === null ? null : await lockMerchantCustomer(em, id, store.merchantId), 'Customer', [
      'customerId',
    ]);
  }
  return lockStoreCustomerByEmail(em, store.id, { ...input.customer!, email: input.customer!.email.toLowerCase() });
}

/** Enrolment of customers in a merchant's loyalty program. */
export const enrollmentService = { enroll };
