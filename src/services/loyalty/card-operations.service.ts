import { randomBytes, randomInt } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Context } from '../../context';
import { leanQuery, leanShape } from '../../db/lean';
import { DomainError, InvalidInputError, UserErrorCode, isUniqueViolation, notFound } from '../../common/errors';
import { idOf } from '../../common/global-id';
import { LoyaltyTransactionType as Type } from '../../entities/loyalty/enums';
import { LoyaltyCard } from '../../entities/loyalty/loyalty-card.entity';
import { LoyaltyProgram } from '../../entities/loyalty/loyalty-program.entity';
import { LoyaltyTransaction } from '../../entities/loyalty/loyalty-transaction.entity';
import type { StaffPin } from '../../entities/loyalty/staff-pin.entity';
import { Customer } from '../../entities/tenancy/customer.entity';
import { clock } from '../clock';
import { lockCard, loyaltyContextOf, type CardRef, type LoyaltyStore } from './loyalty-access';
import { checkStaffPin } from './staff-pin-check';
import { visible } from '../../policy/policy';

export interface CounterInput {
  card: CardRef;
  storeId: string;
  staffPin?: string | null;
  idempotencyKey?: string | null;
}

export interface CardResult {
  card: LoyaltyCard;
  transaction: LoyaltyTransaction;
  /** The program the operation ran under (the card's: a live card belongs to the merchant's live program). */
  program: LoyaltyProgram;
}

type Ledger = Pick<
  LoyaltyTransaction,
  | 'type'
  | 'stampsDelta'
  | 'pointsDelta'
  | 'purchaseAmountCents'
  | 'orderReference'
  | 'rewardId'
  | 'reason'
  | 'relatedTransactionId'
>;

/** The card's counters RECORD_SQL writes: the only changes a counter operation makes to the card. */
type CardCounters = Pick<
  LoyaltyCard,
  | 'stampCount'
  | 'totalStampsEarned'
  | 'stampsRedeemed'
  | 'pointsBalance'
  | 'totalPointsEarned'
  | 'pointsRedeemed'
  | 'totalPointsVoided'
  | 'lastStampAt'
  | 'lastPointsAt'
  | 'lastRedemptionAt'
>;

interface Counter {
  em: EntityManager;
  store: LoyaltyStore;
  program: LoyaltyProgram;
  card: LoyaltyCard;
  pin: StaffPin | null;
  now: Date;
  /** Stamps given to the card today, in the merchant's time zone (counted when the operation asks). */
  stampsToday: number;
  /** Applies the card's new counters and writes the ledger row, in one go. */
  record(changes: Partial<CardCounters>, entry: Partial<Ledger> & Pick<Ledger, 'type'>): Promise<LoyaltyTransaction>;
}

const refuse = (code: UserErrorCode, message: string, field?: string[]): never => {
  throw new DomainError(code, message, field);
};

/**
 * One statement for the change of a locked card: its counters as the
 * operation left them ($2–$12, $12 being the operation's time), and its
 * ledger row `t` with the balances after the change. Returns the ledger row
 * (`ledger`, as JSON) and the card's new `updated_at`.
 */
const RECORD_SQL = `
  WITH card AS (
    UPDATE loyalty_cards
       SET stamp_count = $2, total_stamps_earned = $3, stamps_redeemed = $4, points_balance = $5,
           total_points_earned = $6, points_redeemed = $7, total_points_voided = $8, last_stamp_at = $9,
           last_points_at = $10, last_redemption_at = $11, last_activity_at = $12, updated_at = CURRENT_TIMESTAMP
     WHERE id = $1
    RETURNING id, stamp_count, points_balance, updated_at)
  INSERT INTO loyalty_transactions AS t
         (card_id, store_id, staff_pin_id, staff_name, type, stamps_delta, points_delta, stamps_after, points_after,
          purchase_amount_cents, order_reference, reward_id, reason, related_transaction_id, idempotency_key, created_at)
  SELECT card.id, $13, $14, $15, $16, $17, $18, card.stamp_count, card.points_balance,
         $19, $20, $21, $22, $23, $24, $12
    FROM card
  RETURNING to_json(t) AS ledger, (SELECT updated_at FROM card) AS card_updated_at`;

/**
 * The frame of every counter operation: store in scope and on the loyalty
 * platform, program active, staff PIN checked, then one transaction that
 * locks the card, answers a repeated idempotency key with its first
 * transaction, and applies the change with its ledger row.
 */
async function counterOperation(
  ctx: Context,
  input: CounterInput,
  apply: (op: Counter) => Promise<LoyaltyTransaction>,
  options: { countStampsToday?: boolean } = {},
): Promise<CardResult> {
  const { store, program } = await loyaltyContextOf(ctx, input.storeId);
  // The answer's card { program } needs no statement of its own.
  ctx.loaders.byId(LoyaltyProgram).prime(program.id, program);
  const pin = await checkStaffPin(ctx, program, store.id, input.staffPin);
  return ctx.dataSource.transaction(async (em) => {
    const { card, now, replay, stampsToday } = await lockCard(em, store.merchantId, input.card, {
      idempotencyKey: input.idempotencyKey,
      stampsToday: options.countStampsToday,
    });
    // The rules applied are the merchant's live program's: a card of another (deleted) program is not served.
    if (card.programId !== program.id) throw notFound('Card', ['card']);
    if (replay) return { card, transaction: replay, program };
    if (!card.isActive) refuse(UserErrorCode.CARD_INACTIVE, 'The card is inactive', ['card']);
    const record: Counter['record'] = async (changes, entry) => {
      Object.assign(card, changes, { lastActivityAt: now });
      const ledger: Ledger = {
        stampsDelta: 0,
        pointsDelta: 0,
        purchaseAmountCents: null,
        orderReference: null,
        rewardId: null,
        reason: null,
        relatedTransactionId: null,
        ...entry,
      };
      const transactions = leanShape(em, LoyaltyTransaction);
      const [row] = await leanQuery<{ ledger: Record<string, unknown>; card_updated_at: Date }>(em, RECORD_SQL, [
        card.id,
        card.stampCount,
        card.totalStampsEarned,
        card.stampsRedeemed,
        card.pointsBalance,
        card.totalPointsEarned,
        card.pointsRedeemed,
        card.totalPointsVoided,
        card.lastStampAt,
        card.lastPointsAt,
        card.lastRedemptionAt,
        now,
        store.id,
        pin?.id ?? null,
        pin?.staffName ?? null,
        ledger.type,
        ledger.stampsDelta,
        ledger.pointsDelta,
        ledger.purchaseAmountCents,
        ledger.orderReference,
        ledger.rewardId,
        ledger.reason,
        ledger.relatedTransactionId,
        input.idempotencyKey ?? null,
      ]);
      card.updatedAt = row.card_updated_at;
      return transactions.fromJson(row.ledger);
    };
    const transaction = await apply({ em, store, program, card, pin, now, stampsToday, record });
    return { card, transaction, program };
  });
}

export const stampsUntilReward = (program: LoyaltyProgram, card: LoyaltyCard): number =>
  Math.max(0, program.stampsTarget - card.stampCount);

function requireStamps(program: LoyaltyProgram): void {
  if (!program.isStampsEnabled) refuse(UserErrorCode.INVALID_STATE, 'This program does not use stamps');
}

function requirePoints(program: LoyaltyProgram): void {
  if (!program.isPointsEnabled) refuse(UserErrorCode.INVALID_STATE, 'This program does not use points');
}

export const cardOperations = {
  /** One stamp, unless the cooldown runs or today's cap is reached. */
  async addStamp(ctx: Context, input: CounterInput) {
    const result = await counterOperation(
      ctx,
      input,
      async ({ program, card, now, stampsToday, record }) => {
        requireStamps(program);
        if (card.lastStampAt) {
          const waitMs = card.lastStampAt.getTime() + program.cooldownMinutes * 60_000 - now.getTime();
          if (waitMs > 0) {
            refuse(
              UserErrorCode.COOLDOWN_ACTIVE,
              `Wait ${Math.ceil(waitMs / 60_000)} more minute(s) before the next stamp`,
              ['card'],
            );
          }
        }
        if (stampsToday >= program.maxDailyStamps) {
          refuse(UserErrorCode.DAILY_STAMP_LIMIT_REACHED, `At most ${program.maxDailyStamps} stamps a day per card`, [
            'card',
          ]);
        }
        return record(
          { stampCount: card.stampCount + 1, totalStampsEarned: card.totalStampsEarned + 1, lastStampAt: now },
          { type: Type.STAMP_EARNED, stampsDelta: 1 },
        );
      },
      { countStampsToday: true },
    );
    return withStampState(result);
  },

  /** Spends one reward's worth of stamps. */
  async redeemStampReward(ctx: Context, input: CounterInput) {
    const result = await counterOperation(ctx, input, async ({ program, card, now, record }) => {
      requireStamps(program);
      if (card.stampCount < program.stampsTarget) {
        refuse(
          UserErrorCode.INSUFFICIENT_STAMPS,
          `The reward needs ${program.stampsTarget} stamps; the card has ${card.stampCount}`,
          ['card'],
        );
      }
      return record(
        {
          stampCount: card.stampCount - program.stampsTarget,
          stampsRedeemed: card.stampsRedeemed + 1,
          lastRedemptionAt: now,
        },
        {
          type: Type.STAMP_REWARD_REDEEMED,
          stampsDelta: -program.stampsTarget,
          reason: program.stampsRewardDescription,
        },
      );
    });
    return withStampState(result);
  },

  /** Whole euros of the purchase × points per euro, from the minimum purchase up. */
  async earnPoints(
    ctx: Context,
    input: CounterInput & { purchaseAmountCents: number; orderReference?: string | null },
  ) {
    const result = await counterOperation(ctx, input, async ({ program, card, now, record }) => {
      requirePoints(program);
      if (input.purchaseAmountCents < program.minimumPurchaseCents) {
        refuse(
          UserErrorCode.BELOW_MINIMUM_PURCHASE,
          `Points start at purchases of ${program.minimumPurchaseCents} cents`,
          ['purchaseAmountCents'],
        );
      }
      const points = Math.floor(input.purchaseAmountCents / 100) * program.pointsPerEuro;
      return record(
        {
          pointsBalance: card.pointsBalance + points,
          totalPointsEarned: card.totalPointsEarned + points,
          lastPointsAt: now,
        },
        {
          type: Type.POINTS_EARNED,
          pointsDelta: points,
          purchaseAmountCents: input.purchaseAmountCents,
          orderReference: input.orderReference ?? null,
        },
      );
    });
    return { ...result, pointsEarned: result.transaction.pointsDelta };
  },

  /** Spends a catalogue reward's points; the card must hold the program's minimum and the reward's price. */
  async redeemPointsReward(ctx: Context, input: CounterInput & { rewardId: string }) {
    const result = await counterOperation(ctx, input, async ({ program, card, now, record }) => {
      requirePoints(program);
      const reward = program.pointsRewards.find((r) => r.id === input.rewardId);
      if (!reward) return refuse(UserErrorCode.UNKNOWN_REWARD, 'No reward with this id in the catalogue', ['rewardId']);
      if (card.pointsBalance < program.minimumRedemptionPoints) {
        refuse(
          UserErrorCode.BELOW_MINIMUM_REDEMPTION,
          `Redeeming starts at ${program.minimumRedemptionPoints} points`,
          ['card'],
        );
      }
      if (card.pointsBalance < reward.pointsRequired) {
        refuse(
          UserErrorCode.INSUFFICIENT_POINTS,
          `The reward needs ${reward.pointsRequired} points; the card has ${card.pointsBalance}`,
          ['card'],
        );
      }
      return record(
        {
          pointsBalance: card.pointsBalance - reward.pointsRequired,
          pointsRedeemed: card.pointsRedeemed + reward.pointsRequired,
          lastRedemptionAt: now,
        },
        { type: Type.POINTS_REDEEMED, pointsDelta: -reward.pointsRequired, rewardId: reward.id, reason: reward.name },
      );
    });
    // The reward of the first result on an idempotent replay too.
    const reward = result.program.pointsRewards.find((r) => r.id === result.transaction.rewardId) ?? null;
    return { ...result, reward };
  },

  /**
   * Takes points back for a return, by a number of points or by reversing an
   * earning (once). Never below zero: the ledger row records what was removed.
   */
  async voidPoints(
    ctx: Context,
    input: CounterInput & { points?: number | null; transactionId?: string | null; reason: string },
  ) {
    if ((input.points == null) === (input.transactionId == null)) {
      throw new InvalidInputError('Give exactly one of points or transactionId', 'points');
    }
    return counterOperation(ctx, input, async ({ em, program, card, record }) => {
      requirePoints(program);
      let requested = input.points ?? 0;
      let related: number | null = null;
      if (input.transactionId != null) {
        const id = idOf('LoyaltyTransaction', input.transactionId);
        const [earning] =
          id === null
            ? []
            : await leanQuery<{ type: Type; points_delta: number; voided: boolean }>(
                em,
                `SELECT t.type, t.points_delta,
                        EXISTS (SELECT 1 FROM loyalty_transactions v
                                 WHERE v.related_transaction_id = t.id AND v.type = 'POINTS_VOIDED') AS voided
                   FROM loyalty_transactions t WHERE t.id = $1 AND t.card_id = $2`,
                [id, card.id],
              );
        if (!earning || earning.type !== Type.POINTS_EARNED)
          return refuse(UserErrorCode.NOT_FOUND, 'Earning not found on this card', ['transactionId']);
        if (earning.voided) refuse(UserErrorCode.INVALID_STATE, 'This earning was already voided', ['transactionId']);
        requested = earning.points_delta;
        related = id;
      }
      const removed = Math.min(requested, card.pointsBalance);
      return record(
        { pointsBalance: card.pointsBalance - removed, totalPointsVoided: card.totalPointsVoided + removed },
        { type: Type.POINTS_VOIDED, pointsDelta: -removed, reason: input.reason, relatedTransactionId: related },
      );
    });
  },
};

function withStampState(result: CardResult) {
  return {
    ...result,
    rewardAvailable: result.card.stampCount >= result.program.stampsTarget,
    stampsUntilReward: stampsUntilReward(result.program, result.card),
  };
}

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
export async function enrollCustomer(ctx: Context, input: EnrollInput) {
  if ((input.customerId == null) === (input.customer == null)) {
    throw new InvalidInputError('Give exactly one of customerId or customer', 'customerId');
  }
  const { store, program } = await loyaltyContextOf(ctx, input.storeId);
  // The answer's card { program } needs no statement of its own.
  ctx.loaders.byId(LoyaltyProgram).prime(program.id, program);
  if (idOf('LoyaltyProgram', input.programId) !== program.id) throw notFound('Loyalty program', ['programId']);
  for (let attempt = 0; ; attempt++) {
    try {
      return await ctx.dataSource.transaction(async (em) => {
        const customer = await enrolledCustomer(em, store, input);
        const existing = await em.findOne(LoyaltyCard, {
          where: { merchantId: store.merchantId, customerId: customer.id },
        });
        if (existing) {
          const first = input.idempotencyKey
            ? await em.findOne(LoyaltyTransaction, {
                where: { cardId: existing.id, idempotencyKey: input.idempotencyKey, type: Type.WELCOME_BONUS },
              })
            : null;
          if (first) return { card: existing, customer, transaction: first };
          return refuse(UserErrorCode.ALREADY_ENROLLED, 'The customer already has a card in this program', [
            'customerId',
          ]);
        }
        const now = clock.now();
        const bonus = program.isPointsEnabled ? program.welcomeBonusPoints : 0;
        const card = await em.save(
          em.create(LoyaltyCard, {
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
          }),
        );
        const transaction = await em.save(
          em.create(LoyaltyTransaction, {
            cardId: card.id,
            storeId: store.id,
            type: Type.WELCOME_BONUS,
            pointsDelta: bonus,
            stampsAfter: 0,
            pointsAfter: bonus,
            idempotencyKey: input.idempotencyKey ?? null,
            createdAt: now,
          }),
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
 * serialise. By id: a customer of a store the caller may see (the owner: any
 * of the merchant's; staff: their own stores'), else NOT_FOUND.
 */
async function enrolledCustomer(em: EntityManager, store: LoyaltyStore, input: EnrollInput): Promise<Customer> {
  if (input.customerId) {
    const id = idOf('Customer', input.customerId);
    const customer =
      id === null
        ? null
        : await em
            .createQueryBuilder(Customer, 'customer')
            .innerJoin('stores', 's', 's.id = customer.store_id AND s.deleted_at IS NULL')
            .where('customer.id = :id AND s.merchant_id = :merchantId', { id, merchantId: store.merchantId })
            .setLock('pessimistic_write', undefined, ['customer'])
            .getOne();
    // Row-level security shows staff their own stores' customers (and the holders of the merchant's cards).
    return visible(customer, 'Customer', ['customerId']);
  }
  const email = input.customer!.email.toLowerCase();
  await em.query(
    `INSERT INTO customers (store_id, email, name, phone) VALUES ($1, $2, $3, $4)
     ON CONFLICT (store_id, email) WHERE deleted_at IS NULL DO NOTHING`,
    [store.id, email, input.customer!.name ?? null, input.customer!.phone ?? null],
  );
  return em.findOneOrFail(Customer, { where: { storeId: store.id, email }, lock: { mode: 'pessimistic_write' } });
}
