import type { EntityManager } from 'typeorm';
import { clock } from '../clock';

/**
 * POINTS_EXPIRY: a card whose program sets `pointsExpirationDays` loses its
 * whole balance after that many days without activity, with a POINTS_EXPIRED
 * ledger row; one statement, skipping cards another operation holds.
 */
export async function expirePoints(em: EntityManager): Promise<number> {
  const now = clock.now();
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
     SELECT id, 'POINTS_EXPIRED', 0, -points, stamp_count, 0, 'Expired after inactivity', $1, $1 FROM expired
     RETURNING id`,
    [now],
  );
  return rows.length;
}
