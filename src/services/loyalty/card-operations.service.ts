import { DomainError, InvalidInputError, notFound, UserErrorCode } from '../../common/errors';
import { idOf } from '../../common/global-id';
import type { Context } from '../../context';
import { type LoyaltyCard } from '../../entities/loyalty/loyalty-card.entity';
import { LoyaltyProgram } from '../../entities/loyalty/loyalty-program.entity';
import { type LoyaltyTransaction } from '../../entities/loyalty/loyalty-transaction.entity';
import { cardKeyOf, type CardRef } from '../../repositories/loyalty/card.repository';
import {
  type CounterCall,
  type CounterOutcome,
  runCounterOperation,
} from '../../repositories/loyalty/card-ledger.repository';
import { clock } from '../clock';
import { pointsForPurchase, rewardAvailable, stampsUntilReward } from './card-rules';
import { loyaltyContextOf } from './loyalty-access';
import { hashPin } from './pin';
import { MAX_PIN_ATTEMPTS, PIN_LOCK_MINUTES } from './staff-pin-rules';

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

/** What an operation asks of the one call, once the program is known: its kind and arguments, or a refusal. */
type Ask = Pick<
  CounterCall,
  | 'kind'
  | 'amount'
  | 'limit'
  | 'cooldownMinutes'
  | 'purchaseAmountCents'
  | 'orderReference'
  | 'rewardId'
  | 'reason'
  | 'earningId'
> & {
  /**
   * A refusal the program alone decides (the operation is off, the purchase
   * too small, the reward unknown), thrown once the card passed its checks:
   * a wrong PIN is still counted, a repeated idempotency key still answered.
   */
  refusal?: () => never;
  /** The refusal of what the card's state decided in the database, with its message. */
  refused: (outcome: Extract<CounterOutcome, { outcome: 'refused' }>, card: LoyaltyCard) => never;
};

const refuse = (code: UserErrorCode, message: string, field?: string[]): never => {
  throw new DomainError(code, message, field);
};

/** The hash of the PIN given, or null when none was given and the program needs none. */
function pinHashOf(ctx: Context, program: LoyaltyProgram, pin: string | null | undefined): string | null {
  if (pin) return hashPin(ctx.config, program.id, pin);
  if (program.requireStaffPin) refuse(UserErrorCode.STAFF_PIN_REQUIRED, 'A staff PIN is required', ['staffPin']);
  return null;
}

/**
 * The frame of every counter operation: store in scope and on the loyalty
 * platform, program active (one statement), then one call that checks the
 * staff PIN under the store's lockout (a wrong PIN stays counted though the
 * operation is refused: the call writes the count and returns, the request
 * commits), locks the card, answers a repeated idempotency key with its first
 * transaction, applies the rules and writes the change with its ledger row.
 */
async function counterOperation(
  ctx: Context,
  input: CounterInput,
  ask: (program: LoyaltyProgram) => Ask,
): Promise<CardResult> {
  const { store, program } = await loyaltyContextOf(ctx, input.storeId);
  // The answer's card { program } needs no statement of its own.
  ctx.loaders.byId(LoyaltyProgram).prime(program.id, program);
  const hash = pinHashOf(ctx, program, input.staffPin);
  const key = cardKeyOf(input.card);
  const { refusal, refused, ...call } = ask(program);
  const result = await runCounterOperation(ctx.manager, {
    ...call,
    key: key ?? null,
    merchantId: store.merchantId,
    programId: program.id,
    storeId: store.id,
    pin: hash === null ? null : { hash, maxAttempts: MAX_PIN_ATTEMPTS, lockMinutes: PIN_LOCK_MINUTES },
    idempotencyKey: input.idempotencyKey ?? null,
    now: clock.now(),
    go: !refusal,
  });
  if (result.outcome !== 'refused') return { card: result.card, transaction: result.transaction, program };
  switch (result.refusal) {
    case 'STAFF_PIN_LOCKED':
      return refuse(
        UserErrorCode.STAFF_PIN_LOCKED,
        `Too many wrong PINs at this store: PIN entry is locked until ${result.lockedUntil!.toISOString()}`,
        ['staffPin'],
      );
    case 'INVALID_STAFF_PIN':
      return refuse(UserErrorCode.INVALID_STAFF_PIN, 'The staff PIN is wrong', ['staffPin']);
    case 'NO_CARD':
      if (key === undefined) throw new InvalidInputError('Give exactly one of id, cardNumber or qrCodeData', 'card');
      throw notFound('Card', ['card']);
    case 'CARD_INACTIVE':
      return refuse(UserErrorCode.CARD_INACTIVE, 'The card is inactive', ['card']);
    case 'HELD':
      return refusal!();
    default:
      return refused(result, result.card!);
  }
}

/** The program's refusal of an operation it does not run, if any (thrown once the card passed its checks). */
function stampsOff(program: LoyaltyProgram): (() => never) | undefined {
  if (!program.isStampsEnabled) return () => refuse(UserErrorCode.INVALID_STATE, 'This program does not use stamps');
}

function pointsOff(program: LoyaltyProgram): (() => never) | undefined {
  if (!program.isPointsEnabled) return () => refuse(UserErrorCode.INVALID_STATE, 'This program does not use points');
}

const unexpected = (outcome: { refusal: string }): never => {
  throw new Error(`unexpected counter operation refusal ${outcome.refusal}`);
};

export const cardOperationsService = {
  /** One stamp, unless the cooldown runs or today's cap is reached. */
  async addStamp(ctx: Context, input: CounterInput) {
    const result = await counterOperation(ctx, input, (program) => ({
      kind: 'STAMP',
      refusal: stampsOff(program),
      cooldownMinutes: program.cooldownMinutes,
      limit: program.maxDailyStamps,
      refused: (outcome) => {
        if (outcome.refusal === 'COOLDOWN_ACTIVE') {
          refuse(UserErrorCode.COOLDOWN_ACTIVE, `Wait ${outcome.wait} more minute(s) before the next stamp`, ['card']);
        }
        if (outcome.refusal === 'DAILY_STAMP_LIMIT_REACHED') {
          refuse(UserErrorCode.DAILY_STAMP_LIMIT_REACHED, `At most ${program.maxDailyStamps} stamps a day per card`, [
            'card',
          ]);
        }
        return unexpected(outcome);
      },
    }));
    return withStampState(result);
  },

  /** Spends one reward's worth of stamps. */
  async redeemStampReward(ctx: Context, input: CounterInput) {
    const result = await counterOperation(ctx, input, (program) => ({
      kind: 'STAMP_REDEEM',
      refusal: stampsOff(program),
      amount: program.stampsTarget,
      reason: program.stampsRewardDescription,
      refused: (outcome, card) => {
        if (outcome.refusal !== 'INSUFFICIENT_STAMPS') return unexpected(outcome);
        return refuse(
          UserErrorCode.INSUFFICIENT_STAMPS,
          `The reward needs ${program.stampsTarget} stamps; the card has ${card.stampCount}`,
          ['card'],
        );
      },
    }));
    return withStampState(result);
  },

  /** Whole euros of the purchase × points per euro, from the minimum purchase up. */
  async earnPoints(
    ctx: Context,
    input: CounterInput & { purchaseAmountCents: number; orderReference?: string | null },
  ) {
    const result = await counterOperation(ctx, input, (program) => ({
      kind: 'EARN',
      refusal:
        pointsOff(program) ??
        (input.purchaseAmountCents < program.minimumPurchaseCents
          ? () =>
              refuse(
                UserErrorCode.BELOW_MINIMUM_PURCHASE,
                `Points start at purchases of ${program.minimumPurchaseCents} cents`,
                ['purchaseAmountCents'],
              )
          : undefined),
      amount: pointsForPurchase(program, input.purchaseAmountCents),
      purchaseAmountCents: input.purchaseAmountCents,
      orderReference: input.orderReference ?? null,
      refused: unexpected,
    }));
    return { ...result, pointsEarned: result.transaction.pointsDelta };
  },

  /** Spends a catalogue reward's points; the card must hold the program's minimum and the reward's price. */
  async redeemPointsReward(ctx: Context, input: CounterInput & { rewardId: string }) {
    const result = await counterOperation(ctx, input, (program) => {
      const reward = program.pointsRewards.find((r) => r.id === input.rewardId);
      return {
        kind: 'REDEEM',
        refusal:
          pointsOff(program) ??
          (reward
            ? undefined
            : () => refuse(UserErrorCode.UNKNOWN_REWARD, 'No reward with this id in the catalogue', ['rewardId'])),
        amount: reward?.pointsRequired ?? 0,
        limit: program.minimumRedemptionPoints,
        rewardId: reward?.id ?? null,
        reason: reward?.name ?? null,
        refused: (outcome, card) => {
          if (outcome.refusal === 'BELOW_MINIMUM_REDEMPTION') {
            refuse(
              UserErrorCode.BELOW_MINIMUM_REDEMPTION,
              `Redeeming starts at ${program.minimumRedemptionPoints} points`,
              ['card'],
            );
          }
          if (outcome.refusal === 'INSUFFICIENT_POINTS') {
            refuse(
              UserErrorCode.INSUFFICIENT_POINTS,
              `The reward needs ${reward!.pointsRequired} points; the card has ${card.pointsBalance}`,
              ['card'],
            );
          }
          return unexpected(outcome);
        },
      };
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
    const earningId = input.transactionId == null ? null : idOf('LoyaltyTransaction', input.transactionId);
    const earningNotFound = () => refuse(UserErrorCode.NOT_FOUND, 'Earning not found on this card', ['transactionId']);
    return counterOperation(ctx, input, (program) => ({
      kind: 'VOID',
      refusal: pointsOff(program) ?? (input.transactionId != null && earningId === null ? earningNotFound : undefined),
      amount: input.points ?? null,
      earningId,
      reason: input.reason,
      refused: (outcome) => {
        if (outcome.refusal === 'EARNING_NOT_FOUND') earningNotFound();
        if (outcome.refusal === 'EARNING_VOIDED') {
          refuse(UserErrorCode.INVALID_STATE, 'This earning was already voided', ['transactionId']);
        }
        return unexpected(outcome);
      },
    }));
  },
};

function withStampState(result: CardResult) {
  return {
    ...result,
    rewardAvailable: rewardAvailable(result.program, result.card),
    stampsUntilReward: stampsUntilReward(result.program, result.card),
  };
}
