import type { EntityManager } from 'typeorm';

import { StaffPin, type StaffPinLockout } from '../../entities/loyalty/staff-pin.entity';
import { Store } from '../../entities/tenancy/store.entity';

/**
 * The statements on staff PINs: a program's PINs (stored as keyed hashes
 * only) and the store a PIN is for. A counter operation checks its PIN under
 * the store's lockout inside `loyalty_counter_operation`
 * (card-ledger.repository.ts), with `judge`'s SQL twin
 * (src/services/loyalty/staff-pin-rules.ts).
 */

/** A store's PIN lockout: wrong PINs in a row, and until when PIN entry is locked. */
export type Lockout = Pick<StaffPinLockout, 'id' | 'failedAttempts' | 'lockedUntil'>;

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
