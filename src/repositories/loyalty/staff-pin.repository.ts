import type { EntityManager } from 'typeorm';

import { leanQuery, leanShape } from '../../db/lean';
import { StaffPin, type StaffPinLockout } from '../../entities/loyalty/staff-pin.entity';
import { Store } from '../../entities/tenancy/store.entity';

/**
 * The statements on staff PINs: a program's PINs (stored as keyed hashes
 * only), the store a PIN is for, and a store's PIN lockout. What a PIN
 * does under a lockout is `judge`'s rule (src/services/loyalty/staff-pin-rules.ts).
 */

/** A store's PIN lockout: wrong PINs in a row, and until when PIN entry is locked. */
export type Lockout = Pick<StaffPinLockout, 'id' | 'failedAttempts' | 'lockedUntil'>;

/**
 * The store's lockout row (none before the first PIN there), optionally
 * locked, with the active PIN of this hash valid at the store.
 */
export async function readLockout(
  em: EntityManager,
  programId: number,
  storeId: number,
  hash: string,
  lock: boolean,
): Promise<{ lockout: Lockout | null; match: StaffPin | null }> {
  const pins = leanShape(em, StaffPin);
  const [row] = await leanQuery<{
    id: number;
    failed_attempts: number;
    locked_until: Date | null;
    pin: Record<string, unknown> | null;
  }>(
    em,
    `SELECT l.id, l.failed_attempts, l.locked_until, to_json(p) AS pin
       FROM staff_pin_lockouts l
       LEFT JOIN staff_pins p ON p.program_id = l.program_id AND p.pin_hash = $3 AND p.is_active
                             AND (p.store_id IS NULL OR p.store_id = l.store_id)
      WHERE l.program_id = $1 AND l.store_id = $2${lock ? ' FOR UPDATE OF l' : ''}`,
    [programId, storeId, hash],
  );
  if (!row) return { lockout: null, match: null };
  return {
    lockout: { id: row.id, failedAttempts: row.failed_attempts, lockedUntil: row.locked_until },
    match: row.pin && pins.fromJson(row.pin),
  };
}

/** Makes the store's lockout row if the store has none yet (its first PIN). */
export async function ensureLockout(em: EntityManager, programId: number, storeId: number): Promise<void> {
  await em.query(
    `INSERT INTO staff_pin_lockouts (program_id, store_id) VALUES ($1, $2) ON CONFLICT (program_id, store_id) DO NOTHING`,
    [programId, storeId],
  );
}

/** Writes a lockout's new count and lock. */
export async function writeLockout(
  em: EntityManager,
  id: number,
  next: Pick<Lockout, 'failedAttempts' | 'lockedUntil'>,
): Promise<void> {
  await em.query(
    `UPDATE staff_pin_lockouts SET failed_attempts = $2, locked_until = $3, updated_at = CURRENT_TIMESTAMP WHERE id = $1`,
    [id, next.failedAttempts, next.lockedUntil],
  );
}

/** The live store with this id the caller may see (the store a new PIN is valid at), or null. */
export function findPinStore(em: EntityManager, id: number): Promise<Store | null> {
  return em.findOne(Store, { where: { id } });
}

/** Whether a PIN of the program, active or not, has this hash. */
export function pinHashTaken(em: EntityManager, programId: number, pinHash: string): Promise<boolean> {
  return em.exists(StaffPin, { where: { programId, pinHash } });
}

/** Inserts a staff PIN; returns it read back, with its columns' defaults. */
export async function createStaffPin(
  em: EntityManager,
  fields: Pick<StaffPin, 'programId' | 'storeId' | 'staffName' | 'pinHash' | 'isActive'>,
): Promise<StaffPin> {
  const saved = await em.save(em.create(StaffPin, fields));
  return em.findOneByOrFail(StaffPin, { id: saved.id });
}

/** The staff PIN with this id, or null. */
export function findStaffPin(em: EntityManager, id: number): Promise<StaffPin | null> {
  return em.findOne(StaffPin, { where: { id } });
}

/** Switches the PIN off; returns it read back. */
export async function deactivateStaffPin(em: EntityManager, id: number): Promise<StaffPin> {
  await em.update(StaffPin, { id }, { isActive: false });
  return em.findOneByOrFail(StaffPin, { id });
}
