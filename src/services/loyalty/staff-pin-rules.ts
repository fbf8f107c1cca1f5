import type { StaffPin } from '../../entities/loyalty/staff-pin.entity';
import type { Lockout } from '../../repositories/loyalty/staff-pin.repository';

/** A store's staff PIN lockout: five wrong PINs in a row lock PIN entry there for 15 minutes. */
export const MAX_PIN_ATTEMPTS = 5;
export const PIN_LOCK_MINUTES = 15;

export type PinOutcome = { kind: 'locked'; until: Date } | { kind: 'match'; pin: StaffPin } | { kind: 'wrong' };

/** The outcome of a PIN under a store's lockout, and the lockout to write for it (null: unchanged). */
export function judge(
  lockout: Lockout,
  match: StaffPin | null,
  now: Date,
): { outcome: PinOutcome; next: Pick<Lockout, 'failedAttempts' | 'lockedUntil'> | null } {
  if (lockout.lockedUntil && lockout.lockedUntil > now) {
    return { outcome: { kind: 'locked', until: lockout.lockedUntil }, next: null };
  }
  if (match) {
    const forget = lockout.failedAttempts > 0 || lockout.lockedUntil !== null;
    return { outcome: { kind: 'match', pin: match }, next: forget ? { failedAttempts: 0, lockedUntil: null } : null };
  }
  const failed = lockout.failedAttempts + 1;
  const lockedUntil = failed >= MAX_PIN_ATTEMPTS ? new Date(now.getTime() + PIN_LOCK_MINUTES * 60_000) : null;
  return { outcome: { kind: 'wrong' }, next: { failedAttempts: lockedUntil ? 0 : failed, lockedUntil } };
}
