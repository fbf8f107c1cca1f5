import type { Context } from '../context';
import { ACCESS_STATUSES } from '../entities/subscriptions/enums';
import type { BucketSize } from './cost-bucket';
import { addressKeyOf } from './login-attempts';

/** The tiers whose buckets grow in this order; a merchant without a live subscription gets the first. */
export const TIER_LADDER = ['essential', 'professional', 'business', 'enterprise'] as const;
export type TierCode = (typeof TIER_LADDER)[number];

/** Bucket per payer: anonymous callers per client address, merchants by their best tier. */
export const BUCKETS: Readonly<Record<TierCode | 'anonymous', BucketSize>> = {
  anonymous: { maximumAvailable: 5_000, restoreRate: 250 },
  essential: { maximumAvailable: 50_000, restoreRate: 1_000 },
  professional: { maximumAvailable: 100_000, restoreRate: 2_000 },
  business: { maximumAvailable: 200_000, restoreRate: 5_000 },
  enterprise: { maximumAvailable: 400_000, restoreRate: 10_000 },
};

/** Who pays for a request: nobody (ADMIN), a merchant's bucket, or an anonymous address's. */
export type Payer = { kind: 'unthrottled' } | { kind: 'bucket'; key: string; size: BucketSize };

/** How long what a signed-in user pays as is kept, for requests that need no viewer otherwise (the card lookup). */
export const PAYER_TTL_MS = 1_000;

/**
 * The arguments `orion.best_tier` takes (the row-level security migration):
 * the ladder and the statuses that grant access. The opening of a user's or an
 * API key's transaction reads the merchant's highest tier on the ladder among
 * its live stores' access-granting subscriptions (NULL when it has none), so
 * no statement of its own.
 */
export const BEST_TIER_ARGUMENTS =
  `'{${TIER_LADDER.join(',')}}'::text[], ` + `'{${ACCESS_STATUSES.join(',')}}'::subscription_status[]`;

/** The bucket of a tier code read by `orion.best_tier` (none: the lowest tier's). */
export const tierBucket = (code: string | null): BucketSize =>
  BUCKETS[(TIER_LADDER as readonly string[]).includes(code ?? '') ? (code as TierCode) : TIER_LADDER[0]];

/**
 * Who pays for a request. A user or API key pays with the bucket of its
 * merchant, sized by that merchant's best tier (both read with the viewer:
 * `Viewer.rate`); ADMIN pays nothing; a caller without a valid credential
 * pays with its address's anonymous bucket. What a user pays as is kept for
 * PAYER_TTL_MS, so a request that needs no viewer (the card lookup) does not
 * read one for its bucket every time; an upgrade shows within a second.
 */
export function payers() {
  const kept = new Map<number, { payer: Payer; untilMs: number }>();
  const KEPT_MAX = 50_000;
  return async (ctx: Context): Promise<Payer> => {
    const nowMs = Date.now();
    const userId = ctx.tokenUserId;
    const hit = userId === null ? undefined : kept.get(userId);
    if (hit && hit.untilMs > nowMs) return hit.payer;
    const viewer = await ctx.viewer();
    let payer: Payer;
    if (!viewer) {
      // One client as the login lockout counts one: an IPv6 client by its /64, so a new address is no new bucket.
      const client = ctx.clientAddress === null ? 'unknown' : addressKeyOf(ctx.clientAddress);
      payer = { kind: 'bucket', key: `address:${client}`, size: BUCKETS.anonymous };
    } else if (viewer.isAdmin) {
      payer = { kind: 'unthrottled' };
    } else {
      const key = viewer.rate.merchantId === null ? `user:${viewer.userId}` : `merchant:${viewer.rate.merchantId}`;
      payer = { kind: 'bucket', key, size: tierBucket(viewer.rate.tier) };
    }
    if (userId !== null && viewer) {
      if (kept.size >= KEPT_MAX) kept.delete(kept.keys().next().value!);
      kept.set(userId, { payer, untilMs: nowMs + PAYER_TTL_MS });
    }
    return payer;
  };
}
