import Redis from 'ioredis';
import type { Logger } from 'pino';

import type { Config } from '../config';
import { LoginAttempts } from './login-attempts';

/**
 * The shared state of the abuse limits: one Redis connection when REDIS_URL
 * is set (every replica then sees the same counters and buckets), none when
 * it is not (one process, the embedded default: the limits keep their state
 * in memory). While Redis is unreachable its commands fail at once rather
 * than queue, and each limit says what it does then.
 */
export interface Limits {
  redis: Redis | null;
  /** Prefix of every key the limits write in Redis (REDIS_KEY_PREFIX). */
  keyPrefix: string;
  /** Sign-in attempts per email and per client address (src/limits/login-attempts.ts). */
  loginAttempts: LoginAttempts;
  stop(): Promise<void>;
}

export async function createLimits(config: Pick<Config, 'redisUrl' | 'redisKeyPrefix'>, log: Logger): Promise<Limits> {
  let redis: Redis | null = null;
  if (config.redisUrl) {
    // commandTimeout: a Redis that is connected but does not answer fails the command (each limit then falls back)
    // instead of holding the request.
    redis = new Redis(config.redisUrl, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: 500,
    });
    // Without a listener, a connection error event would be thrown and stop the process.
    redis.on('error', (err: Error) => log.warn({ err }, 'redis connection error'));
    await redis.connect();
  }
  return {
    redis,
    keyPrefix: config.redisKeyPrefix,
    loginAttempts: new LoginAttempts({ redis, log, keyPrefix: `${config.redisKeyPrefix}login` }),
    async stop() {
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
