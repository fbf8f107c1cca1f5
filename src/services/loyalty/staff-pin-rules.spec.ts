import type { StaffPin } from '../../entities/loyalty/staff-pin.entity';
import { judge, MAX_PIN_ATTEMPTS, PIN_LOCK_MINUTES } from './staff-pin-rules';

const now = new Date('2026-12-03T12:00:00Z');
const pin = { id: 7, staffName: 'Anna' } as StaffPin;
const lockout = (failedAttempts: number, lockedUntil: Date | null = null) => ({ id: 1, failedAttempts, lockedUntil });
const minutes = (n: number) => new Date(now.getTime() + n * 60_000);

describe('judge: a staff PIN under a store lockout', () => {
  it('refuses every PIN, the right one too, while a lock runs, and writes nothing', () => {
    expect(judge(lockout(0, minutes(3)), pin, now)).toEqual({
      outcome: { kind: 'locked', until: minutes(3) },
      next: null,
    });
    expect(judge(lockout(0, minutes(3)), null, now)).toEqual({
      outcome: { kind: 'locked', until: minutes(3) },
      next: null,
    });
  });

  it('accepts the right PIN, forgetting earlier wrong ones and an expired lock, and writes nothing when nothing to forget', () => {
    expect(judge(lockout(0), pin, now)).toEqual({ outcome: { kind: 'match', pin }, next: null });
    expect(judge(lockout(3), pin, now)).toEqual({
      outcome: { kind: 'match', pin },
      next: { failedAttempts: 0, lockedUntil: null },
    });
    expect(judge(lockout(0, minutes(-1)), pin, now)).toEqual({
      outcome: { kind: 'match', pin },
      next: { failedAttempts: 0, lockedUntil: null },
    });
  });

  it('counts a wrong PIN, and locks for the lock time at the last allowed attempt, starting the count again', () => {
    expect(judge(lockout(0), null, now)).toEqual({
      outcome: { kind: 'wrong' },
      next: { failedAttempts: 1, lockedUntil: null },
    });
    expect(judge(lockout(MAX_PIN_ATTEMPTS - 2), null, now).next).toEqual({
      failedAttempts: MAX_PIN_ATTEMPTS - 1,
      lockedUntil: null,
    });
    expect(judge(lockout(MAX_PIN_ATTEMPTS - 1), null, now)).toEqual({
      outcome: { kind: 'wrong' },
      next: { failedAttempts: 0, lockedUntil: minutes(PIN_LOCK_MINUTES) },
    });
  });
});
