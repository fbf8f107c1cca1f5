import {
  dailyStampCapReached,
  pointsForPurchase,
  pointsToVoid,
  redemptionRefusal,
  rewardAvailable,
  stampCooldownMinutesLeft,
  stampsUntilReward,
} from './card-rules';

const stamps = { isStampsEnabled: true, stampsTarget: 10 };

describe('stampsUntilReward and rewardAvailable', () => {
  it('counts down to the target and stops at zero', () => {
    expect(stampsUntilReward(stamps, { stampCount: 0 })).toBe(10);
    expect(stampsUntilReward(stamps, { stampCount: 9 })).toBe(1);
    expect(stampsUntilReward(stamps, { stampCount: 10 })).toBe(0);
    expect(stampsUntilReward(stamps, { stampCount: 13 })).toBe(0);
    expect([9, 10, 13].map((stampCount) => rewardAvailable(stamps, { stampCount }))).toEqual([false, true, true]);
  });

  it('has no answer, and no reward, for a program without stamps', () => {
    const pointsOnly = { isStampsEnabled: false, stampsTarget: 10 };
    expect(stampsUntilReward(pointsOnly, { stampCount: 12 })).toBeNull();
    expect(rewardAvailable(pointsOnly, { stampCount: 12 })).toBe(false);
  });
});

describe('stampCooldownMinutesLeft', () => {
  const now = new Date('2026-12-03T12:00:00Z');
  const program = { cooldownMinutes: 15 };
  const stampedAgo = (ms: number) => ({ lastStampAt: new Date(now.getTime() - ms) });

  it('is zero for a card never stamped, or once the cooldown has run', () => {
    expect(stampCooldownMinutesLeft(program, { lastStampAt: null }, now)).toBe(0);
    expect(stampCooldownMinutesLeft(program, stampedAgo(15 * 60_000), now)).toBe(0);
    expect(stampCooldownMinutesLeft({ cooldownMinutes: 0 }, stampedAgo(0), now)).toBe(0);
  });

  it('rounds what is left up to whole minutes', () => {
    expect(stampCooldownMinutesLeft(program, stampedAgo(0), now)).toBe(15);
    expect(stampCooldownMinutesLeft(program, stampedAgo(14 * 60_000 + 1), now)).toBe(1);
    expect(stampCooldownMinutesLeft(program, stampedAgo(60_000 + 1), now)).toBe(14);
  });
});

describe('points', () => {
  it('earns whole euros times the points per euro', () => {
    expect(pointsForPurchase({ pointsPerEuro: 1 }, 0)).toBe(0);
    expect(pointsForPurchase({ pointsPerEuro: 1 }, 99)).toBe(0);
    expect(pointsForPurchase({ pointsPerEuro: 1 }, 1_999)).toBe(19);
    expect(pointsForPurchase({ pointsPerEuro: 3 }, 1_000)).toBe(30);
  });

  it('voids what was asked, never more than the balance', () => {
    expect(pointsToVoid(40, { pointsBalance: 100 })).toBe(40);
    expect(pointsToVoid(140, { pointsBalance: 100 })).toBe(100);
    expect(pointsToVoid(10, { pointsBalance: 0 })).toBe(0);
  });
});

describe('dailyStampCapReached', () => {
  it('is reached at the program maximum', () => {
    expect([0, 4, 5, 6].map((n) => dailyStampCapReached({ maxDailyStamps: 5 }, n))).toEqual([false, false, true, true]);
  });
});

describe('redemptionRefusal', () => {
  const program = { minimumRedemptionPoints: 100 };
  it('asks for the minimum first, then the price', () => {
    expect(redemptionRefusal(program, { pointsBalance: 99 }, 50)).toBe('BELOW_MINIMUM_REDEMPTION');
    expect(redemptionRefusal(program, { pointsBalance: 120 }, 250)).toBe('INSUFFICIENT_POINTS');
    expect(redemptionRefusal(program, { pointsBalance: 250 }, 250)).toBeNull();
  });
});
