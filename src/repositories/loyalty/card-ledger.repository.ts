import type { EntityManager } from 'typeorm';

import { leanQuery, leanShape } from '../../db/lean';
import { LoyaltyTransactionType } from '../../entities/loyalty/enums';
import { LoyaltyCard } from '../../entities/loyalty/loyalty-card.entity';
import { LoyaltyTransaction } from '../../entities/loyalty/loyalty-transaction.entity';
import type { CardKey } from './card.repository';

/**
 * Every write of a loyalty card's balances and of its ledger, the one place
 * that inserts ledger rows: a counter operation's change (the card and its
 * row in one SQL function call), an enrolment's new card with its welcome row, and
 * the expiry job's whole-balance expiries. Each ledger row records the
 * card's balances after it (`stamps_after`, `points_after`), so the ledger
 * replays to the card.
 */

/** A counter operation's kind, as `loyalty_counter_operation` names it. */
export type CounterKind = 'STAMP' | 'STAMP_REDEEM' | 'EARN' | 'REDEEM' | 'VOID';

/** What one counter operation asks of `loyalty_counter_operation`. */
export interface CounterCall {
  kind: CounterKind;
  /** The card's key (null: the caller gave none that can name a card; the PIN is still checked). */
  key: CardKey | null;
  merchantId: number;
  programId: number;
  storeId: number;
  /** The PIN's hash and the lockout's constants; null when no PIN was given. */
  pin: { hash: string; maxAttempts: number; lockMinutes: number } | null;
  idempotencyKey: string | null;
  /** The caller's clock as it sends the call. */
  now: Date;
  /** False: the caller refuses whatever the card; the call stops at 'HELD' once the card passed its checks. */
  go: boolean;
  /** STAMP_REDEEM: the stamps target; EARN: the points; REDEEM: the reward's price; VOID: the points asked. */
  amount?: number | null;
  /** STAMP: stamps a day; REDEEM: the minimum redemption points. */
  limit?: number | null;
  cooldownMinutes?: number | null;
  purchaseAmountCents?: number | null;
  orderReference?: string | null;
  rewardId?: string | null;
  reason?: string | null;
  /** VOID of an earning: its ledger row's id. */
  earningId?: number | null;
}

/** Why `loyalty_counter_operation` changed nothing. */
export type CounterRefusal =
  | 'STAFF_PIN_LOCKED'
  | 'INVALID_STAFF_PIN'
  | 'NO_CARD'
  | 'CARD_INACTIVE'
  | 'HELD'
  | 'COOLDOWN_ACTIVE'
  | 'DAILY_STAMP_LIMIT_REACHED'
  | 'INSUFFICIENT_STAMPS'
  | 'BELOW_MINIMUM_REDEMPTION'
  | 'INSUFFICIENT_POINTS'
  | 'EARNING_NOT_FOUND'
  | 'EARNING_VOIDED';

export type CounterOutcome =
  | { outcome: 'done' | 'replay'; card: LoyaltyCard; transaction: LoyaltyTransaction }
  | {
      outcome: 'refused';
      refusal: CounterRefusal;
      /** The locked card, once found. */
      card: LoyaltyCard | null;
      /** COOLDOWN_ACTIVE: whole minutes left. */
      wait: number | null;
      /** STAFF_PIN_LOCKED: until when. */
      lockedUntil: Date | null;
    };

/**
 * A counter operation in one call of `loyalty_counter_operation`
 * (migrations/1795240000003-CounterOperationFunction.ts), in the request's
 * transaction and role: the PIN under the store's lockout, the card locked,
 * the idempotency key's first transaction, the rules, the card's counters and
 * its ledger row (with the balances after it).
 */
const COUNTER_OPERATION_SQL = `SELECT loyalty_counter_operation(
  $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) AS result`;

type Json = Record<string, unknown>;

/** Runs one counter operation; a refusal writes nothing but a wrong PIN's count. */
export async function runCounterOperation(em: EntityManager, call: CounterCall): Promise<CounterOutcome> {
  const [{ result }] = await leanQuery<{
    result: {
      outcome: 'done' | 'replay' | 'refused';
      refusal?: CounterRefusal;
      card?: Json | null;
      transaction?: Json;
      wait?: number;
      locked_until?: string;
    };
  }>(em, COUNTER_OPERATION_SQL, [
    call.kind,
    call.key?.column ?? null,
    call.key === null ? null : String(call.key.value),
    call.merchantId,
    call.programId,
    call.storeId,
    call.pin?.hash ?? null,
    call.pin?.maxAttempts ?? null,
    call.pin?.lockMinutes ?? null,
    call.idempotencyKey,
    call.now,
    call.go,
    call.amount ?? null,
    call.limit ?? null,
    call.cooldownMinutes ?? null,
    call.purchaseAmountCents ?? null,
    call.orderReference ?? null,
    call.rewardId ?? null,
    call.reason ?? null,
    call.earningId ?? null,
  ]);
  const card = result.card ? leanShape(em, LoyaltyCard).fromJson(result.card) : null;
  if (result.outcome === 'refused') {
    return {
      outcome: 'refused',
      refusal: result.refusal!,
      card,
      wait: result.wait ?? null,
      lockedUntil: result.locked_until ? new Date(result.locked_until) : null,
    };
  }
  return {
    outcome: result.outcome,
    card: card!,
    transaction: leanShape(em, LoyaltyTransaction).fromJson(result.transaction!),
  };
}

/** A new card and its first ledger row (the welcome bonus, zero or more points), in the caller's transaction. */
export async function openCard(
  em: EntityManager,
  card: Pick<
    LoyaltyCard,
    | 'merchantId'
    | 'customerId'
    | 'programId'
    | 'enrolledAtStoreId'
    | 'cardNumber'
    | 'qrCodeData'
    | 'appleAuthToken'
    | 'pointsBalance'
    | 'totalPointsEarned'
    | 'lastPointsAt'
    | 'lastActivityAt'
  >,
  welcome: { storeId: number; idempotencyKey: string | null; now: Date },
): Promise<{ card: LoyaltyCard; transaction: LoyaltyTransaction }> {
  const saved = await em.save(em.create(LoyaltyCard, card));
  const transaction = await em.save(
    em.create(LoyaltyTransaction, {
      cardId: saved.id,
      storeId: welcome.storeId,
      type: LoyaltyTransactionType.WELCOME_BONUS,
      pointsDelta: card.pointsBalance,
      // A new card holds no stamps.
      stampsAfter: 0,
      pointsAfter: card.pointsBalance,
      idempotencyKey: welcome.idempotencyKey,
      createdAt: welcome.now,
    }),
  );
  return { card: saved, transaction };
}

/** The welcome row an enrolment with `idempotencyKey` wrote for `cardId`, if any (its replay's answer). */
export function welcomeOf(
  em: EntityManager,
  cardId: number,
  idempotencyKey: string,
): Promise<LoyaltyTransaction | null> {
  return em.findOne(LoyaltyTransaction, {
    where: { cardId, idempotencyKey, type: LoyaltyTransactionType.WELCOME_BONUS },
  });
}

/**
 * POINTS_EXPIRY: every card whose program sets `pointsExpirationDays` and
 * that saw no activity for that many days before `now` loses its whole
 * balance, with a POINTS_EXPIRED ledger row; one statement, skipping cards
 * another operation holds. Returns how many expired.
 */
export async function expireIdlePoints(em: EntityManager, now: Date): Promise<number> {
  const rows: Array<{ id: number }> = await em.query(
    `WITH due AS (
       SELECT c.id, c.points_balance FROM loyalty_cards c
         JOIN loyalty_programs p ON p.id = c.program_id AND p.deleted_at IS NULL
        WHERE c.deleted_at IS NULL AND c.points_balance > 0 AND p.points_expiration_days IS NOT NULL
          AND coalesce(c.last_activity_at, c.created_at) < $1::timestamptz - p.points_expiration_days * interval '1 day'
        FOR UPDATE OF c SKIP LOCKED
     ), expired AS (
       UPDATE loyalty_cards c SET points_balance = 0, total_points_voided = c.total_points_voided + due.points_balance
         FROM due WHERE c.id = due.id
       RETURNING c.id, due.points_balance AS points, c.stamp_count
     )
     INSERT INTO loyalty_transactions (card_id, type, stamps_delta, points_delta, stamps_after, points_after, reason, created_at, updated_at)
     SELECT id, '${LoyaltyTransactionType.POINTS_EXPIRED}', 0, -points, stamp_count, 0, 'Expired after inactivity', $1, $1
       FROM expired
     RETURNING id`,
    [now],
  );
  return rows.length;
}
