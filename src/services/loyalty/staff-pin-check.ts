import type { Context } from '../../context';
import { DomainError, UserErrorCode } from '../../common/errors';
import { StaffPin, StaffPinLockout } from '../../entities/loyalty/staff-pin.entity';
import type { LoyaltyProgram } from '../../entities/loyalty/loyalty-program.entity';
import { clock } from '../clock';
import { hashPin } from './pin';

export const MAX_PIN_ATTEMPTS = 5;
export const PIN_LOCK_MINUTES = 15;

/**
 * Checks a staff PIN for a counter operation at a store, in its own
 * transaction so that a wrong PIN is counted even though the operation is
 * refused. Five wrong PINs in a row at a store lock PIN entry there for 15
 * minutes, the right PIN included. Returns the PIN that matched (naming the
 * staff member on the ledger row), or null when the program needs none and
 * none was given.
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
  type Outcome = { kind: 'locked'; until: Date } | { kind: 'match'; pin: StaffPin } | { kind: 'wrong' };
  const outcome: Outcome = await ctx.dataSource.transaction(async (em): Promise<Outcome> => {
    await em.query(
      `INSERT INTO staff_pin_lockouts (program_id, store_id) VALUES ($1, $2) ON CONFLICT (program_id, store_id) DO NOTHING`,
      [program.id, storeId],
    );
    const lockout = await em.findOneOrFail(StaffPinLockout, {
      where: { programId: program.id, storeId },
      lock: { mode: 'pessimistic_write' },
    });
    const now = clock.now();
    if (lockout.lockedUntil && lockout.lockedUntil > now)
      return { kind: 'locked', until: lockout.lockedUntil } as const;
    const match = await em
      .createQueryBuilder(StaffPin, 'pin')
      .where('pin.program_id = :programId AND pin.pin_hash = :hash AND pin.is_active', {
        programId: program.id,
        hash: hashPin(ctx.config, program.id, pin),
      })
      .andWhere('(pin.store_id IS NULL OR pin.store_id = :storeId)', { storeId })
      .getOne();
    if (match) {
      if (lockout.failedAttempts > 0 || lockout.lockedUntil) {
        await em.update(StaffPinLockout, { id: lockout.id }, { failedAttempts: 0, lockedUntil: null });
      }
      return { kind: 'match', pin: match } as const;
    }
    const failed = lockout.failedAttempts + 1;
    const lockedUntil = failed >= MAX_PIN_ATTEMPTS ? new Date(now.getTime() + PIN_LOCK_MINUTES * 60_000) : null;
    await em.update(StaffPinLockout, { id: lockout.id }, { failedAttempts: lockedUntil ? 0 : failed, lockedUntil });
    return { kind: 'wrong' } as const;
  });
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
