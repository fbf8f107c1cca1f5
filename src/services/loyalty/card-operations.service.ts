import type { EntityManager } from 'typeorm';

import { DomainError, InvalidInputError, notFound, UserErrorCode } from '../../common/errors';
import { idOf } from '../../common/global-id';
import type { Context } from '../../context';
import { LoyaltyTransactionType as Type } from '../../entities/loyalty/enums';
import { type LoyaltyCard } from '../../entities/loyalty/loyalty-card.entity';
import { LoyaltyProgram } from '../../entities/loyalty/loyalty-program.entity';
import { type LoyaltyTransaction } from '../../entities/loyalty/loyalty-transaction.entity';
import type { StaffPin } from '../../entities/loyalty/staff-pin.entity';
import { type CardRef, earningOfCard, lockCard } from '../../repositories/loyalty/card.repository';
import { recordCardChange } from '../../repositories/loyalty/card-ledger.repository';
import {
  pointsForPurchase,
  pointsToVoid,
  rewardAvailable,
  stampCooldownMinutesLeft,
  stampsUntilReward,
} from './card-rules';
import { loyaltyContextOf, type LoyaltyStore } from './loyalty-access';
import { checkStaffPin } from './staff-pin-check';

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
  return ctx.manager.transaction(async (em) => {
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
      const written = await recordCardChange(em, {
        card,
        now,
        storeId: store.id,
        pin,
        ledger,
        idempotencyKey: input.idempotencyKey ?? null,
      });
      card.updatedAt = written.cardUpdatedAt;
      return written.transaction;
    };
    const transaction = await apply({ em, store, program, card, pin, now, stampsToday, record });
    return { card, transaction, program };
  });
}

function requireStamps(program: LoyaltyProgram): void {
  if (!program.isStampsEnabled) refuse(UserErrorCode.INVALID_STATE, 'This program does not use stamps');
}

function requirePoints(program: LoyaltyProgram): void {
  if (!program.isPointsEnabled) refuse(UserErrorCode.INVALID_STATE, 'This program does not use points');
}

export const cardOperationsService = {
  /** One stamp, unless the cooldown runs or today's cap is reached. */
  async addStamp(ctx: Context, input: CounterInput) {
    const result = await counterOperation(
      ctx,
      input,
      async ({ program, card, now, stampsToday, record }) => {
        requireStamps(program);
        const wait = stampCooldownMinutesLeft(program, card, now);
        if (wait > 0) {
          refuse(UserErrorCode.COOLDOWN_ACTIVE, `Wait ${wait} more minute(s) before the next stamp`, ['card']);
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
      const points = pointsForPurchase(program, input.purchaseAmountCents);
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
        const earning = id === null ? undefined : await earningOfCard(em, id, card.id);
        if (!earning || earning.type !== Type.POINTS_EARNED)
          return refuse(UserErrorCode.NOT_FOUND, 'Earning not found on this card', ['transactionId']);
        if (earning.voided) refuse(UserErrorCode.INVALID_STATE, 'This earning was already voided', ['transactionId']);
        requested = earning.pointsDelta;
        related = id;
      }
      const removed = pointsToVoid(requested, card);
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
    rewardAvailable: rewardAvailable(result.program, result.card),
    stampsUntilReward: stampsUntilReward(result.program, result.card),
  };
}
