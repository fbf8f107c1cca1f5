import type { Context } from '../context';
import { allowsAccessSql } from '../repositories/subscriptions/subscription-rules.sql';
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

/** How long what a signed-in user pays as is kept: pricing a request then does not wait for its transaction's opening. */
export const PAYER_TTL_MS = 1_000;

/**
 * The highest tier on TIER_LADDER among the live stores' access-granting
 * subscriptions of the merchant `merchantExpr` names (NULL when it has
 * none), as an SQL expression: read inside the statement that identifies
 * the caller (the viewer, an API key), so no statement of its own.
 */
export function bestTierSql(merchantExpr: string): string {
  const ladder = `ARRAY[${TIER_LADDER.map((code) => `'${code}'`).join(', ')}]::text[]`;
  // Aliases of their own: the expression may name a column of an outer `s` or `t`.
  return `(SELECT bt_t.code
             FROM stores bt_s
             JOIN store_platforms bt_sp ON bt_sp.store_id = bt_s.id AND bt_sp.deleted_at IS NULL
             JOIN store_subscriptions bt_ss ON bt_ss.store_platform_id = bt_sp.id AND ${allowsAccessSql('bt_ss')}
             JOIN subscription_tiers bt_t ON bt_t.id = bt_ss.tier_id
            WHERE bt_s.merchant_id = ${merchantExpr} AND bt_s.deleted_at IS NULL AND bt_t.code = ANY(${ladder})
            ORDER BY array_position(${ladder}, bt_t.code::text) DESC
            LIMIT 1)`;
}

/** The bucket of a tier code read by `bestTierSql` (none: the lowest tier's). */
export const tierBucket = (code: string | null): BucketSize =>
  BUCKETS[(TIER_LADDER as readonly string[]).includes(code ?? '') ? (code as TierCode) : TIER_LADDER[0]];

/**
 * Who pays for a request. A user or API key pays with the bucket of its
 * merchant, sized by that merchant's best tier (both read with the viewer:
 * `Viewer.rate`); ADMIN pays nothing; a caller without a valid credential
 * pays with its address's anonymous bucket. What a user pays as is kept for
 * PAYER_TTL_MS, so pricing a request does not wait for its transaction's
 * opening (which reads the viewer) before the first statement can follow it
 * in the same write; an upgrade shows within a second.
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
