import type { EntityManager } from 'typeorm';

import { leanQuery, leanShape } from '../../db/lean';
import { LoyaltyTransactionType } from '../../entities/loyalty/enums';
import { LoyaltyCard } from '../../entities/loyalty/loyalty-card.entity';
import { LoyaltyTransaction } from '../../entities/loyalty/loyalty-transaction.entity';

/**
 * Every write of a loyalty card's balances and of its ledger, the one place
 * that inserts ledger rows: a counter operation's change (the card and its
 * row in one statement), an enrolment's new card with its welcome row, and
 * the expiry job's whole-balance expiries. Each ledger row records the
 * card's balances after it (`stamps_after`, `points_after`), so the ledger
 * replays to the card.
 */

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

/** A locked card's new counters and ledger row, written by RECORD_SQL. */
export interface CardChange {
  card: LoyaltyCard;
  now: Date;
  storeId: number;
  pin: { id: number; staffName: string } | null;
  ledger: {
    type: string;
    stampsDelta: number;
    pointsDelta: number;
    purchaseAmountCents: number | null;
    orderReference: string | null;
    rewardId: string | null;
    reason: string | null;
    relatedTransactionId: number | null;
  };
  idempotencyKey: string | null;
}

/** Writes `change` (the card as changed in memory, and its ledger row); returns the ledger row and the card's new `updated_at`. */
export async function recordCardChange(
  em: EntityManager,
  { card, now, storeId, pin, ledger, idempotencyKey }: CardChange,
): Promise<{ transaction: LoyaltyTransaction; cardUpdatedAt: Date }> {
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
    storeId,
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
    idempotencyKey,
  ]);
  return { transaction: leanShape(em, LoyaltyTransaction).fromJson(row.ledger), cardUpdatedAt: row.card_updated_at };
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
