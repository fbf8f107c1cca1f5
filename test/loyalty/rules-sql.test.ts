import {
  dailyStampCapReached,
  pointsToVoid,
  redemptionRefusal,
  rewardAvailable,
  stampCooldownMinutesLeft,
  stampsUntilReward,
} from '../../src/services/loyalty/card-rules';
import { judge, MAX_PIN_ATTEMPTS, PIN_LOCK_MINUTES } from '../../src/services/loyalty/staff-pin-rules';
import { TestServer } from '../support/server';

/**
 * A counter operation applies the card's rules and the PIN lockout inside
 * the database, in one call of `loyalty_counter_operation`
 * (migrations/1795240000003-CounterOperationFunction.ts), through SQL
 * functions that each restate one TypeScript rule of card-rules.ts and
 * staff-pin-rules.ts. Here both forms answer the same rows, built to cross
 * every boundary the rules have, and must agree row for row: change one, the
 * test fails until the other follows (a new migration replaces the function).
 */
let server: TestServer;
beforeAll(async () => {
  server = await TestServer.start();
});
afterAll(() => server.stop());

/** Every combination of the given values. */
function product<T extends unknown[]>(...lists: { [K in keyof T]: T[K][] }): T[] {
  return lists.reduce<unknown[][]>((rows, list) => rows.flatMap((row) => list.map((v) => [...row, v])), [[]]) as T[];
}

/** `call` (an SQL expression over $1…$n, each an array of one column) evaluated for each row, in order. */
async function sqlAnswers<R>(call: string, types: string[], rows: unknown[][]): Promise<R[]> {
  const columns = types.map((_, i) => rows.map((row) => row[i]));
  const names = types.map((_, i) => `a${i + 1}`);
  const body = call.replace(/\$(\d+)/g, (_, n: string) => `r.a${n}`);
  const result: Array<{ v: R }> = await server.sql(
    `SELECT ${body} AS v FROM unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})
        WITH ORDINALITY AS r(${names.join(', ')}, i) ORDER BY r.i`,
    columns,
  );
  expect(result).toHaveLength(rows.length);
  return result.map((r) => r.v);
}

const now = new Date('2026-12-03T12:00:00.000Z');
const ago = (ms: number) => new Date(now.getTime() - ms);

it('stampCooldownMinutesLeft and loyalty_stamp_cooldown_minutes_left agree', async () => {
  const offsets = [
    0,
    1,
    59_999,
    60_000,
    60_001,
    14 * 60_000 + 1,
    15 * 60_000 - 1,
    15 * 60_000,
    15 * 60_000 + 1,
    -5_000,
  ];
  const rows = product<[number, Date | null]>([0, 1, 15, 60], [null, ...offsets.map(ago)]);
  const sql = await sqlAnswers<number>(
    'loyalty_stamp_cooldown_minutes_left($1, $2, $3)',
    ['int', 'timestamptz', 'timestamptz'],
    rows.map(([c, l]) => [c, l, now]),
  );
  const ts = rows.map(([cooldownMinutes, lastStampAt]) =>
    stampCooldownMinutesLeft({ cooldownMinutes }, { lastStampAt }, now),
  );
  expect(rows.map((row, i) => [...row, sql[i]])).toEqual(rows.map((row, i) => [...row, ts[i]]));
  expect(new Set(ts).size).toBeGreaterThan(4);
});

it('dailyStampCapReached and loyalty_daily_stamp_cap_reached agree', async () => {
  const rows = product<[number, number]>([0, 1, 5], [0, 1, 4, 5, 6]);
  const sql = await sqlAnswers<boolean>('loyalty_daily_stamp_cap_reached($1, $2)', ['int', 'int'], rows);
  const ts = rows.map(([maxDailyStamps, today]) => dailyStampCapReached({ maxDailyStamps }, today));
  expect(rows.map((row, i) => [...row, sql[i]])).toEqual(rows.map((row, i) => [...row, ts[i]]));
  expect(new Set(ts)).toEqual(new Set([true, false]));
});

it('stampsUntilReward, rewardAvailable and loyalty_stamps_until_reward agree', async () => {
  const rows = product<[boolean, number, number]>([true, false], [1, 3, 10], [0, 2, 3, 9, 10, 13]);
  const sql = await sqlAnswers<{ until: number | null; available: boolean }>(
    `json_build_object('until', loyalty_stamps_until_reward($1, $2, $3),
                       'available', coalesce(loyalty_stamps_until_reward($1, $2, $3) = 0, false))`,
    ['boolean', 'int', 'int'],
    rows,
  );
  const ts = rows.map(([isStampsEnabled, stampsTarget, stampCount]) => ({
    until: stampsUntilReward({ isStampsEnabled, stampsTarget }, { stampCount }),
    available: rewardAvailable({ isStampsEnabled, stampsTarget }, { stampCount }),
  }));
  expect(rows.map((row, i) => [...row, sql[i]])).toEqual(rows.map((row, i) => [...row, ts[i]]));
});

it('redemptionRefusal and loyalty_redemption_refusal agree', async () => {
  const rows = product<[number, number, number]>([0, 100], [50, 100, 250], [0, 49, 50, 99, 100, 249, 250, 300]);
  const sql = await sqlAnswers<string | null>('loyalty_redemption_refusal($1, $2, $3)', ['int', 'int', 'int'], rows);
  const ts = rows.map(([minimumRedemptionPoints, price, pointsBalance]) =>
    redemptionRefusal({ minimumRedemptionPoints }, { pointsBalance }, price),
  );
  expect(rows.map((row, i) => [...row, sql[i]])).toEqual(rows.map((row, i) => [...row, ts[i]]));
  expect(new Set(ts)).toEqual(new Set([null, 'BELOW_MINIMUM_REDEMPTION', 'INSUFFICIENT_POINTS']));
});

it('pointsToVoid and loyalty_points_to_void agree', async () => {
  const rows = product<[number, number]>([0, 10, 100, 140], [0, 100, 120]);
  const sql = await sqlAnswers<number>('loyalty_points_to_void($1, $2)', ['int', 'int'], rows);
  const ts = rows.map(([requested, pointsBalance]) => pointsToVoid(requested, { pointsBalance }));
  expect(rows.map((row, i) => [...row, sql[i]])).toEqual(rows.map((row, i) => [...row, ts[i]]));
});

it('judge and loyalty_pin_judge agree, with the lockout constants given', async () => {
  const failed = [0, 1, MAX_PIN_ATTEMPTS - 2, MAX_PIN_ATTEMPTS - 1, MAX_PIN_ATTEMPTS];
  const rows = product<[number, Date | null, boolean]>(failed, [null, ago(60_000), now, ago(-60_000)], [true, false]);
  const sql = await sqlAnswers<{ outcome: string; writes: boolean; failed: number | null; until: string | null }>(
    `(SELECT json_build_object('outcome', j.outcome, 'writes', j.writes, 'failed', j.next_failed_attempts,
                               'until', j.next_locked_until)
        FROM loyalty_pin_judge($1, $2, $3, $4, $5, $6) j)`,
    ['int', 'timestamptz', 'boolean', 'timestamptz', 'int', 'int'],
    rows.map((row) => [...row, now, MAX_PIN_ATTEMPTS, PIN_LOCK_MINUTES]),
  );
  const pin = { id: 1, staffName: 'Marie' } as Parameters<typeof judge>[1];
  const ts = rows.map(([failedAttempts, lockedUntil, matched]) => {
    const { outcome, next } = judge({ id: 1, failedAttempts, lockedUntil }, matched ? pin : null, now);
    return {
      outcome: outcome.kind,
      writes: next !== null,
      failed: next?.failedAttempts ?? null,
      until: next?.lockedUntil?.getTime() ?? null,
    };
  });
  const fromSql = sql.map((s) => ({ ...s, until: s.until === null ? null : new Date(s.until).getTime() }));
  expect(rows.map((row, i) => [...row, fromSql[i]])).toEqual(rows.map((row, i) => [...row, ts[i]]));
  expect(new Set(ts.map((t) => t.outcome))).toEqual(new Set(['locked', 'match', 'wrong']));
  expect(ts.some((t) => t.until !== null)).toBe(true);
});
