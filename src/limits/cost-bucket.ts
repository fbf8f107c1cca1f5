import type Redis from 'ioredis';

/** A leaky bucket's shape: how much it holds when full and how much it regains each second. */
export interface BucketSize {
  maximumAvailable: number;
  restoreRate: number;
}

export interface BucketState {
  /** Whether the cost was taken (always true for `adjust`). */
  ok: boolean;
  /** What the bucket holds now. */
  currentlyAvailable: number;
}

/**
 * Leaky buckets of query cost, by key: `take` removes a cost when the bucket
 * holds it (else nothing changes), `adjust` gives back (or takes, never
 * below empty) the difference once the real cost is known. A bucket regains
 * `restoreRate` per second up to `maximumAvailable`; an unknown key is a
 * full bucket. rate-limiter-flexible, used for the login lockout, counts
 * fixed windows: it has no bucket that restores at a rate, which is what the
 * contract (`throttleStatus.restoreRate`) promises.
 */
export interface CostBuckets {
  take(key: string, cost: number, size: BucketSize): Promise<BucketState>;
  adjust(key: string, delta: number, size: BucketSize): Promise<BucketState>;
}

/** The bucket arithmetic, shared by both stores (the Lua script below is its twin, tested against it). */
export function leak(state: { available: number; atMs: number } | undefined, nowMs: number, size: BucketSize): number {
  if (!state) return size.maximumAvailable;
  const restored = (Math.max(0, nowMs - state.atMs) * size.restoreRate) / 1000;
  return Math.min(size.maximumAvailable, state.available + restored);
}

/** One process's buckets (no REDIS_URL): full buckets are forgotten, so the map holds only recent callers. */
export function memoryBuckets(now: () => number = Date.now): CostBuckets {
  const buckets = new Map<string, { available: number; atMs: number }>();
  const SWEEP_AT = 100_000;
  const write = (key: string, available: number, nowMs: number, size: BucketSize) => {
    if (available >= size.maximumAvailable) buckets.delete(key);
    else buckets.set(key, { available, atMs: nowMs });
    if (buckets.size > SWEEP_AT) {
      // Oldest first: a bucket untouched the longest has most likely refilled.
      for (const stale of [...buckets.keys()].slice(0, SWEEP_AT / 2)) buckets.delete(stale);
    }
  };
  return {
    async take(key, cost, size) {
      const nowMs = now();
      const available = leak(buckets.get(key), nowMs, size);
      if (available < cost) return { ok: false, currentlyAvailable: available };
      write(key, available - cost, nowMs, size);
      return { ok: true, currentlyAvailable: available - cost };
    },
    async adjust(key, delta, size) {
      const nowMs = now();
      const available = Math.max(0, Math.min(size.maximumAvailable, leak(buckets.get(key), nowMs, size) + delta));
      write(key, available, nowMs, size);
      return { ok: true, currentlyAvailable: available };
    },
  };
}

/**
 * The same buckets in Redis, one atomic script per call on the server's own
 * clock (replicas' clocks may differ): every replica draws from one bucket.
 * A key expires when its bucket would be full again.
 */
const SCRIPT = `
local max = tonumber(ARGV[1])
local rate = tonumber(ARGV[2]) / 1000
local amount = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'a', 't')
local available = max
if state[1] then
  available = math.min(max, tonumber(state[1]) + math.max(0, now - tonumber(state[2])) * rate)
end
local ok = 1
if ARGV[4] == 'take' then
  if available >= amount then available = available - amount else ok = 0 end
else
  available = math.max(0, math.min(max, available + amount))
end
if ok == 1 then
  if available >= max then
    redis.call('DEL', KEYS[1])
  else
    redis.call('HSET', KEYS[1], 'a', tostring(available), 't', tostring(now))
    redis.call('PEXPIRE', KEYS[1], math.ceil((max - available) / rate) + 1000)
  end
end
return { ok, tostring(available) }
`;

interface BucketRedis extends Redis {
  orionCostBucket(key: string, max: number, rate: number, amount: number, mode: string): Promise<[number, string]>;
}

export function redisBuckets(redis: Redis, prefix: string): CostBuckets {
  if (!('orionCostBucket' in redis)) redis.defineCommand('orionCostBucket', { numberOfKeys: 1, lua: SCRIPT });
  const run = async (key: string, amount: number, size: BucketSize, mode: 'take' | 'adjust') => {
    const [ok, available] = await (redis as BucketRedis).orionCostBucket(
      prefix + key,
      size.maximumAvailable,
      size.restoreRate,
      amount,
      mode,
    );
    return { ok: ok === 1, currentlyAvailable: Number(available) };
  };
  return {
    take: (key, cost, size) => run(key, cost, size, 'take'),
    adjust: (key, delta, size) => run(key, delta, size, 'adjust'),
  };
}
