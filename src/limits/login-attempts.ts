import { createHash } from 'node:crypto';
import { isIPv6 } from 'node:net';

import type Redis from 'ioredis';
import type { Logger } from 'pino';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

/** `attempts` judged within `windowSeconds` lock for `blockSeconds` (counted from the last of them). */
export interface AttemptRule {
  attempts: number;
  windowSeconds: number;
  blockSeconds: number;
}

export interface LoginAttemptRules {
  /** Failed sign-ins of one email (in any case), from anywhere. */
  perEmail: AttemptRule;
  /** Failed sign-ins from one client address (an IPv6 client by its /64), whatever the email. */
  perAddress: AttemptRule;
}

/** API.md: 10 failures in 15 minutes for one email lock it for 15 minutes; 50 from one address lock the address. */
export const LOGIN_ATTEMPT_RULES: LoginAttemptRules = {
  perEmail: { attempts: 10, windowSeconds: 15 * 60, blockSeconds: 15 * 60 },
  perAddress: { attempts: 50, windowSeconds: 15 * 60, blockSeconds: 15 * 60 },
};

export interface LoginRefusal {
  scope: 'email' | 'address';
  retryAfterSeconds: number;
}

/** One sign-in attempt, counted before its password is checked. */
export interface LoginAttempt {
  /** Set when the attempt may not be judged at all: its password must not be checked. */
  refused: LoginRefusal | null;
  /** The password was right: the email's count starts again; the attempt does not count against the address. */
  succeeded(): Promise<void>;
  /** The password was wrong: the attempt stays counted, and the last one allowed locks. */
  failed(): Promise<void>;
}

const WARN_EVERY_MS = 60_000;

/**
 * Counts sign-in attempts per email and per client address, so that no more
 * than `attempts` passwords are ever checked per window however many
 * requests race: a point is taken atomically (one Redis script, or one
 * synchronous step in memory) before the password is checked, and a taken
 * point is what allows the check. Refused attempts are not judged, so they
 * neither lock further nor count against the address.
 *
 * With Redis every replica shares the counts. If a Redis command fails
 * (Redis down or unreachable), the attempt is counted in this process instead
 * and a warning is logged: sign-in keeps working (failing closed would lock
 * every user out for as long as Redis is away) and guessing stays limited,
 * per replica rather than overall, until Redis answers again.
 */
export class LoginAttempts {
  private readonly email: Counter;
  private readonly address: Counter;
  private lastWarnAt = 0;

  constructor(options: {
    redis: Redis | null;
    log: Logger;
    rules?: LoginAttemptRules;
    /** Prefix of the keys (in Redis: `<prefix>:login-email:<sha256 of the email>`); tests give their own. */
    keyPrefix?: string;
  }) {
    const { redis, log, rules = LOGIN_ATTEMPT_RULES, keyPrefix = 'orion' } = options;
    const warn = (error: unknown) => {
      if (Date.now() - this.lastWarnAt < WARN_EVERY_MS) return;
      this.lastWarnAt = Date.now();
      log.warn({ err: error }, 'login attempts: a Redis command failed; counting sign-ins in this process meanwhile');
    };
    this.email = new Counter(rules.perEmail, redis, `${keyPrefix}:login-email`, warn);
    this.address = new Counter(rules.perAddress, redis, `${keyPrefix}:login-address`, warn);
  }

  /** Takes one attempt for `email` from `address` (the connection's peer; null: not counted per address). */
  async begin(email: string, address: string | null): Promise<LoginAttempt> {
    const emailKey = emailKeyOf(email);
    const addressKey = address === null ? null : addressKeyOf(address);
    const byAddress = addressKey === null ? null : await this.address.take(addressKey);
    if (byAddress && !byAddress.ok) return refusal('address', byAddress.retryAfterMs);
    const byEmail = await this.email.take(emailKey);
    if (!byEmail.ok) {
      if (addressKey !== null) await this.address.giveBack(addressKey);
      return refusal('email', byEmail.retryAfterMs);
    }
    return {
      refused: null,
      succeeded: async () => {
        // The address's count is not reset: signing in to one's own account must not wipe out a spray's failures.
        await Promise.all([this.email.reset(emailKey), addressKey !== null && this.address.giveBack(addressKey)]);
      },
      failed: async () => {
        await Promise.all([
          byEmail.count >= this.email.rule.attempts && this.email.lock(emailKey),
          addressKey !== null && byAddress?.ok && byAddress.count >= this.address.rule.attempts
            ? this.address.lock(addressKey)
            : null,
        ]);
      },
    };
  }
}

function refusal(scope: LoginRefusal['scope'], retryAfterMs: number): LoginAttempt {
  const none = async () => {};
  return {
    refused: { scope, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) },
    succeeded: none,
    failed: none,
  };
}

type Taken = { ok: true; count: number } | { ok: false; retryAfterMs: number };

/** One rule's counts: in Redis when there is one (falling back to this process when a command fails), else here. */
class Counter {
  private readonly shared: RateLimiterRedis | null;
  private readonly local: RateLimiterMemory;

  constructor(
    readonly rule: AttemptRule,
    redis: Redis | null,
    keyPrefix: string,
    private readonly warn: (error: unknown) => void,
  ) {
    const options = {
      keyPrefix,
      points: rule.attempts,
      duration: rule.windowSeconds,
      // Also blocks when attempts race past the limit before the last allowed one has locked.
      blockDuration: rule.blockSeconds,
    };
    this.local = new RateLimiterMemory(options);
    this.shared = redis ? new RateLimiterRedis({ ...options, storeClient: redis, rejectIfRedisNotReady: true }) : null;
  }

  private async run<T>(operation: (limiter: RateLimiterAbstract) => Promise<T>): Promise<T> {
    if (this.shared) {
      try {
        return await operation(this.shared);
      } catch (error) {
        if (error instanceof RateLimiterRes) throw error;
        this.warn(error);
      }
    }
    return operation(this.local);
  }

  async take(key: string): Promise<Taken> {
    try {
      const res = await this.run((limiter) => limiter.consume(key));
      return { ok: true, count: res.consumedPoints };
    } catch (error) {
      if (error instanceof RateLimiterRes) return { ok: false, retryAfterMs: error.msBeforeNext };
      throw error;
    }
  }

  async giveBack(key: string): Promise<void> {
    await this.run((limiter) => limiter.reward(key));
  }

  async lock(key: string): Promise<void> {
    await this.run((limiter) => limiter.block(key, this.rule.blockSeconds));
  }

  async reset(key: string): Promise<void> {
    await this.run((limiter) => limiter.delete(key));
  }
}

/** One key per email whatever its case; hashed, so that the store holds no email addresses. */
export function emailKeyOf(email: string): string {
  return createHash('sha256').update(email.toLowerCase()).digest('base64url');
}

/**
 * One key per client: an IPv4 address (also when written IPv4-mapped,
 * `::ffff:a.b.c.d`), or an IPv6 address's /64, the block one subscriber
 * usually holds whole (counting single IPv6 addresses would let a client
 * change address at every guess).
 */
export function addressKeyOf(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return mapped[1];
  const bare = address.split('%')[0];
  if (!isIPv6(bare)) return address;
  const groupsOf = (part: string): string[] =>
    part === '' ? [] : part.split(':').flatMap((group) => (group.includes('.') ? ['0', '0'] : [group]));
  const [head, tail] = bare.split('::');
  const left = groupsOf(head);
  const right = tail === undefined ? [] : groupsOf(tail);
  const groups = [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((group) => parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}
