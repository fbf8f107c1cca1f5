import type { LoyaltyCard } from '../../entities/loyalty/loyalty-card.entity';
import type { LoyaltyProgram } from '../../entities/loyalty/loyalty-program.entity';

/**
 * The arithmetic of a loyalty card, in one place: what a card's stamp count
 * means for its next reward, how many points a purchase earns, how long a
 * stamp cooldown still runs, how many points a void can take. Pure: the
 * services decide when to apply them and record what they return.
 *
 * The counter operations apply them inside the database, in one function
 * call (migrations/1795240000003-CounterOperationFunction.ts): each has an
 * SQL twin there, held to the same answers by test/loyalty/rules-sql.test.ts.
 */

type StampRules = Pick<LoyaltyProgram, 'isStampsEnabled' | 'stampsTarget'>;

/** Stamps still needed for the next reward; null when the program gives no stamps. */
export function stampsUntilReward(program: StampRules, card: Pick<LoyaltyCard, 'stampCount'>): number | null {
  return program.isStampsEnabled ? Math.max(0, program.stampsTarget - card.stampCount) : null;
}

/** Whether the card holds a stamp reward's worth. */
export function rewardAvailable(program: StampRules, card: Pick<LoyaltyCard, 'stampCount'>): boolean {
  return stampsUntilReward(program, card) === 0;
}

/** Whole minutes (rounded up) before the card may take its next stamp; 0: it may now. */
export function stampCooldownMinutesLeft(
  program: Pick<LoyaltyProgram, 'cooldownMinutes'>,
  card: Pick<LoyaltyCard, 'lastStampAt'>,
  now: Date,
): number {
  if (!card.lastStampAt) return 0;
  const waitMs = card.lastStampAt.getTime() + program.cooldownMinutes * 60_000 - now.getTime();
  return waitMs > 0 ? Math.ceil(waitMs / 60_000) : 0;
}

/** Points a purchase earns: whole euros times the program's points per euro. */
export function pointsForPurchase(program: Pick<LoyaltyProgram, 'pointsPerEuro'>, purchaseAmountCents: number): number {
  return Math.floor(purchaseAmountCents / 100) * program.pointsPerEuro;
}

/** Points a void removes: what was asked, never below a zero balance. */
export function pointsToVoid(requested: number, card: Pick<LoyaltyCard, 'pointsBalance'>): number {
  return Math.min(requested, card.pointsBalance);
}

/** Whether the card had the program's daily maximum of stamps today (no further stamp today). */
export function dailyStampCapReached(program: Pick<LoyaltyProgram, 'maxDailyStamps'>, stampsToday: number): boolean {
  return stampsToday >= program.maxDailyStamps;
}

/** Why a card's balance cannot pay a reward of `pointsRequired` (the program's minimum first); null when it can. */
export function redemptionRefusal(
  program: Pick<LoyaltyProgram, 'minimumRedemptionPoints'>,
  card: Pick<LoyaltyCard, 'pointsBalance'>,
  pointsRequired: number,
): 'BELOW_MINIMUM_REDEMPTION' | 'INSUFFICIENT_POINTS' | null {
  if (card.pointsBalance < program.minimumRedemptionPoints) return 'BELOW_MINIMUM_REDEMPTION';
  if (card.pointsBalance < pointsRequired) return 'INSUFFICIENT_POINTS';
  return null;
}
