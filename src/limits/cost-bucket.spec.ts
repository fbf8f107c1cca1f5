import { randomBytes } from 'node:crypto';

import Redis from 'ioredis';

import { type CostBuckets, memoryBuckets, redisBuckets } from './cost-bucket';

const size = { maximumAvailable: 1_000, restoreRate: 500 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let redis: Redis;
beforeAll(() => {
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
});
afterAll(() => redis.quit());

// The same behaviour from both stores: the Lua script is the in-process arithmetic's twin.
describe.each([
  ['in process', () => memoryBuckets()],
  ['in Redis', () => redisBuckets(redis, `orion:test:${randomBytes(4).toString('hex')}:`)],
])('cost buckets %s', (_, make: () => CostBuckets) => {
  it('takes while the bucket holds the cost, then refuses without taking', async () => {
    const buckets = make();
    expect(await buckets.take('m', 600, size)).toEqual({ ok: true, currentlyAvailable: 400 });
    const refused = await buckets.take('m', 600, size);
    expect(refused.ok).toBe(false);
    expect(refused.currentlyAvailable).toBeGreaterThanOrEqual(400);
    expect(refused.currentlyAvailable).toBeLessThan(600);
    // A refusal took nothing: a cost the bucket holds still goes through.
    expect((await buckets.take('m', 300, size)).ok).toBe(true);
  });

  it('restores at its rate, up to its maximum', async () => {
    const buckets = make();
    await buckets.take('m', 1_000, size);
    await sleep(300);
    const { currentlyAvailable } = await buckets.adjust('m', 0, size);
    // 500 a second for 0.3 s (and a little more for the time the calls take)
    expect(currentlyAvailable).toBeGreaterThanOrEqual(150);
    expect(currentlyAvailable).toBeLessThan(400);
    await sleep(2_100);
    expect((await buckets.adjust('m', 0, size)).currentlyAvailable).toBe(1_000);
  });

  it('gives back a difference and takes an extra one, never above full nor below empty', async () => {
    const buckets = make();
    await buckets.take('m', 900, size);
    const refunded = await buckets.adjust('m', 500, size);
    expect(refunded.currentlyAvailable).toBeGreaterThanOrEqual(600);
    expect(refunded.currentlyAvailable).toBeLessThan(700);
    expect((await buckets.adjust('m', 5_000, size)).currentlyAvailable).toBe(1_000);
    expect((await buckets.adjust('m', -5_000, size)).currentlyAvailable).toBe(0);
  });

  it('keeps one bucket per key', async () => {
    const buckets = make();
    await buckets.take('a', 1_000, size);
    expect(await buckets.take('b', 1_000, size)).toEqual({ ok: true, currentlyAvailable: 0 });
  });
});

describe('cost buckets in Redis', () => {
  it('share one bucket between two clients (two replicas)', async () => {
    const prefix = `orion:test:${randomBytes(4).toString('hex')}:`;
    const other = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    try {
      const one = redisBuckets(redis, prefix);
      const two = redisBuckets(other, prefix);
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? one : two).take('m', 100, size)));
      // 20 concurrent takes of 100 from 1,000 (plus what leaks back meanwhile): about ten go through, never all.
      const taken = results.filter((r) => r.ok).length;
      expect(taken).toBeGreaterThanOrEqual(10);
      expect(taken).toBeLessThan(13);
    } finally {
      await other.quit();
    }
  });

  it('forgets a full bucket', async () => {
    const prefix = `orion:test:${randomBytes(4).toString('hex')}:`;
    const buckets = redisBuckets(redis, prefix);
    await buckets.take('m', 10, size);
    expect(await redis.exists(`${prefix}m`)).toBe(1);
    await buckets.adjust('m', 10, size);
    expect(await redis.exists(`${prefix}m`)).toBe(0);
  });
});
