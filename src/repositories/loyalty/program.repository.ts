import type { EntityManager } from 'typeorm';

import { LoyaltyProgram } from '../../entities/loyalty/loyalty-program.entity';

/**
 * The statements on loyalty programs: reading one (row-level security leaves
 * out what the caller may not see), whether a merchant has a live one, its
 * insert and update, and the program stats. Who may manage a program is the
 * policies' rule (src/policy), one live program per merchant the partial
 * unique index's.
 */

/** The live program with this id, or null; `lock` takes a row lock (FOR UPDATE) for a change. */
export function findProgramById(em: EntityManager, id: number, lock = false): Promise<LoyaltyProgram | null> {
  return em.findOne(LoyaltyProgram, {
    where: { id },
    ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
  });
}

/** Whether the merchant has a live program. */
export function merchantHasProgram(em: EntityManager, merchantId: number): Promise<boolean> {
  return em.exists(LoyaltyProgram, { where: { merchantId } });
}

/** Inserts a program; returns it read back, with its columns' defaults. */
export async function createProgram(
  em: EntityManager,
  fields: Partial<LoyaltyProgram> & Pick<LoyaltyProgram, 'merchantId'>,
): Promise<LoyaltyProgram> {
  const saved = await em.save(em.create(LoyaltyProgram, fields));
  return em.findOneByOrFail(LoyaltyProgram, { id: saved.id });
}

/** Writes the changed columns of a loaded program; returns it read back. */
export async function saveProgram(em: EntityManager, program: LoyaltyProgram): Promise<LoyaltyProgram> {
  await em.save(program);
  return em.findOneByOrFail(LoyaltyProgram, { id: program.id });
}

/** Per program of `programIds`, the counters of its live cards (cards active since `since` counted apart). */
export async function programStatsRows(manager: EntityManager, programIds: readonly number[], since: Date) {
  return (await manager.query(
    `SELECT program_id,
            count(*) AS "members",
            count(*) FILTER (WHERE last_activity_at >= $2) AS "activeCards30d",
            coalesce(sum(total_stamps_earned), 0) AS "stampsIssued",
            coalesce(sum(stamps_redeemed), 0) AS "stampsRedeemed",
            coalesce(sum(total_points_earned), 0) AS "pointsIssued",
            coalesce(sum(points_redeemed), 0) AS "pointsRedeemed",
            coalesce(sum(total_points_voided), 0) AS "pointsVoided"
       FROM loyalty_cards
      WHERE program_id = ANY($1::int[]) AND deleted_at IS NULL
      GROUP BY program_id`,
    [programIds, since],
  )) as Array<Record<string, string> & { program_id: number }>;
}
