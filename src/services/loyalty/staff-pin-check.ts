import { DomainError, UserErrorCode } from '../../common/errors';
import type { Context } from '../../context';
import type { LoyaltyProgram } from '../../entities/loyalty/loyalty-program.entity';
import type { StaffPin } from '../../entities/loyalty/staff-pin.entity';
import { ensureLockout, readLockout, writeLockout } from '../../repositories/loyalty/staff-pin.repository';
import { clock } from '../clock';
import { hashPin } from './pin';
import { judge, type PinOutcome as Outcome } from './staff-pin-rules';

/**
 * Checks a staff PIN for a counter operation at a store; a wrong PIN is
 * counted in a transaction of its own, so that it stays counted even though
 * the operation is refused. Five wrong PINs in a row at a store lock PIN
 * entry there for 15 minutes, the right PIN included. Returns the PIN that
 * matched (naming the staff member on the ledger row), or null when the
 * program needs none and none was given.
 */
export async function checkStaffPin(
  ctx: Context,
  program: LoyaltyProgram,
  storeId: number,
  pin: string | null | undefined,
): Promise<StaffPin | null> {
  if (!pin) {
    if (program.requireStaffPin)
      throw new DomainError(UserErrorCode.STAFF_PIN_REQUIRED, 'A staff PIN is required', ['staffPin']);
    return null;
  }
  const outcome = await pinOutcome(ctx, program.id, storeId, hashPin(ctx.config, program.id, pin));
  if (outcome.kind === 'match') return outcome.pin;
  if (outcome.kind === 'locked') {
    throw new DomainError(
      UserErrorCode.STAFF_PIN_LOCKED,
      `Too many wrong PINs at this store: PIN entry is locked until ${outcome.until.toISOString()}`,
      ['staffPin'],
    );
  }
  throw new DomainError(UserErrorCode.INVALID_STAFF_PIN, 'The staff PIN is wrong', ['staffPin']);
}

/**
 * The PIN's outcome at the store. A lockout in force, or the right PIN with
 * no wrong attempts to forget, changes nothing: one read without a lock
 * answers it, as if the check had run at that read. Anything to write is
 * decided again under the lockout row's lock.
 */
async function pinOutcome(ctx: Context, programId: number, storeId: number, hash: string): Promise<Outcome> {
  const seen = await readLockout(ctx.manager, programId, storeId, hash, false);
  if (seen.lockout) {
    const { outcome, next } = judge(seen.lockout, seen.match, clock.now());
    if (!next) return outcome;
  }
  return ctx.manager.transaction(async (em): Promise<Outcome> => {
    // The first PIN at the store makes its lockout row.
    if (!seen.lockout) await ensureLockout(em, programId, storeId);
    const { lockout, match } = await readLockout(em, programId, storeId, hash, true);
    if (!lockout) throw new Error(`no staff PIN lockout row for program ${programId} at store ${storeId}`);
    const { outcome, next } = judge(lockout, match, clock.now());
    if (next) await writeLockout(em, lockout.id, next);
    return outcome;
  });
}
