import { randomBytes } from 'node:crypto';

import Redis from 'ioredis';
import pino, { type Logger } from 'pino';

import { addressKeyOf, emailKeyOf, type LoginAttemptRules, LoginAttempts } from './login-attempts';

// Short rules, so that expiry is seen in about a second: the window is long, the lock short,
// so what releases a locked email is the lock's own expiry.
const RULES: LoginAttemptRules = {
  perEmail: { attempts: 3, windowSeconds: 60, blockSeconds: 1 },
  perAddress: { attempts: 5, windowSeconds: 60, blockSeconds: 1 },
};

const silent = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const email = () => `${randomBytes(5).toString('hex')}@example.lu`;
const address = () => `10.${[0, 0, 0].map(() => randomBytes(1)[0] % 250).join('.')}`;

let redis: Redis;
beforeAll(async () => {
  redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: true, enableOfflineQueue: false });
  await redis.connect();
});
afterAll(() => redis.quit());

describe.each([
  ['in memory', () => null],
  ['in Redis', () => redis],
])('login attempts %s', (_name, redisOf) => {
  let attempts: LoginAttempts;
  beforeEach(() => {
    attempts = new LoginAttempts({
      redis: redisOf(),
      log: silent,
      rules: RULES,
      keyPrefix: `test-${randomBytes(6).toString('hex')}`,
    });
  });

  /** One attempt that fails its password; what refused it, or null when it was judged. */
  async function fail(who: string, from: string | null) {
    const attempt = await attempts.begin(who, from);
    if (!attempt.refused) await attempt.failed();
    return attempt.refused;
  }

  it('judges `attempts` failures of an email, then refuses it, the right password included, until the lock ends', async () => {
    const who = email();
    for (let i = 0; i < 3; i++) expect(await fail(who, address())).toBeNull();
    const locked = await attempts.begin(who, address());
    expect(locked.refused).toEqual({ scope: 'email', retryAfterSeconds: 1 });
    // The same email in another case is the same key.
    expect((await attempts.begin(who.toUpperCase(), null)).refused?.scope).toBe('email');

    await sleep(1_200);
    const after = await attempts.begin(who, address());
    expect(after.refused).toBeNull();
    await after.succeeded();
    expect(await fail(who, null)).toBeNull();
  });

  it('locks from the last judged failure, not from the next attempt, then counts afresh', async () => {
    const who = email();
    for (let i = 0; i < 3; i++) expect(await fail(who, null)).toBeNull();
    await sleep(1_200);
    // The window (60 s) still runs, but the lock the 3rd failure set is over, and with it the count.
    for (let i = 0; i < 3; i++) expect(await fail(who, null)).toBeNull();
    expect((await attempts.begin(who, null)).refused?.scope).toBe('email');
  });

  it('lets exactly `attempts` of many concurrent attempts through', async () => {
    const who = email();
    const outcomes = await Promise.all(Array.from({ length: 30 }, () => fail(who, address())));
    expect(outcomes.filter((refused) => refused === null)).toHaveLength(3);
    expect(outcomes.filter((refused) => refused?.scope === 'email')).toHaveLength(27);
  });

  it('starts an email over after a success', async () => {
    const who = email();
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 2; i++) expect(await fail(who, null)).toBeNull();
      const right = await attempts.begin(who, null);
      expect(right.refused).toBeNull();
      await right.succeeded();
    }
  });

  it('refuses an address after `attempts` failures over any emails; successes and refused attempts do not count', async () => {
    const from = address();
    const locked = email();
    for (let i = 0; i < 3; i++) expect(await fail(locked, address())).toBeNull();
    // Attempts the email's lock refused were never judged: they leave the address alone.
    for (let i = 0; i < 10; i++) expect((await fail(locked, from))?.scope).toBe('email');
    for (let i = 0; i < 10; i++) {
      const right = await attempts.begin(email(), from);
      expect(right.refused).toBeNull();
      await right.succeeded();
    }
    for (let i = 0; i < 5; i++) expect(await fail(email(), from)).toBeNull();
    expect(await attempts.begin(email(), from)).toMatchObject({
      refused: { scope: 'address', retryAfterSeconds: 1 },
    });
    // Signing in to one's own account does not lift the address's lock.
    expect((await attempts.begin(email(), from)).refused?.scope).toBe('address');
    expect((await attempts.begin(email(), address())).refused).toBeNull();

    await sleep(1_200);
    expect((await attempts.begin(email(), from)).refused).toBeNull();
  });
});

describe('login attempts while Redis fails', () => {
  it('counts in this process, logs a warning, and keeps judging sign-ins', async () => {
    const down = new Redis('redis://127.0.0.1:1', { lazyConnect: true, enableOfflineQueue: false });
    const warn = jest.fn();
    const log = { warn } as unknown as Logger;
    const attempts = new LoginAttempts({ redis: down, log, rules: RULES, keyPrefix: 'test-down' });
    const who = email();
    for (let i = 0; i < 3; i++) {
      const attempt = await attempts.begin(who, '10.0.0.1');
      expect(attempt.refused).toBeNull();
      await attempt.failed();
    }
    expect((await attempts.begin(who, '10.0.0.1')).refused?.scope).toBe('email');
    // Once per minute at most, however many commands fail.
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][1]).toMatch(/Redis command failed/);
    down.disconnect();
  });
});

describe('keys', () => {
  it('are one per email whatever its case, and hold no address in clear', () => {
    expect(emailKeyOf('Ana@Example.LU')).toBe(emailKeyOf('ana@example.lu'));
    expect(emailKeyOf('ana@example.lu')).not.toContain('ana');
    expect(emailKeyOf('ana@example.lu')).not.toBe(emailKeyOf('ana2@example.lu'));
  });

  it('are one per IPv4 address (also IPv4-mapped) and one per IPv6 /64', () => {
    expect(addressKeyOf('203.0.113.7')).toBe('203.0.113.7');
    expect(addressKeyOf('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressKeyOf('2001:db8:0:1:aaaa::1')).toBe('2001:db8:0:1::/64');
    expect(addressKeyOf('2001:0db8:0000:0001:ffff:1:2:3')).toBe('2001:db8:0:1::/64');
    expect(addressKeyOf('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKeyOf('::1')).toBe('0:0:0:0::/64');
    expect(addressKeyOf('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKeyOf('2001:db8:0:2::1')).not.toBe(addressKeyOf('2001:db8:0:1::1'));
  });
});
