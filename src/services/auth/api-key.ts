import { createHash, randomBytes } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { ACCESS_STATUSES } from '../../entities/subscriptions/enums';
import { bestTierSql } from '../../limits/payer';
import { clock } from '../clock';
import { apiKeyViewer, type Viewer } from '../tenancy/viewer';

/** Bearer tokens that start with this are store API keys, not JWTs. */
export const API_KEY_SCHEME = 'orion_sk_';
export const API_KEY_FEATURE = 'api_access';
const API_KEY_PATTERN = /^orion_sk_[A-Za-z0-9_-]{43}$/;
const PREFIX_LENGTH = 8;

export const isApiKey = (token: string): boolean => token.startsWith(API_KEY_SCHEME);

/**
 * SHA-256 (hex) of a key. A fast hash is enough: the key carries 256 random
 * bits, so unlike a password it cannot be guessed from its hash, and one
 * indexed lookup finds it on every request.
 */
export const hashApiKey = (key: string): string => createHash('sha256').update(key).digest('hex');

/** A new key (`orion_sk_` + 32 CSPRNG bytes, base64url), its hash and its display prefix. */
export function newApiKey(): { key: string; keyHash: string; prefix: string } {
  const key = `${API_KEY_SCHEME}${randomBytes(32).toString('base64url')}`;
  return {
    key,
    keyHash: hashApiKey(key),
    prefix: key.slice(API_KEY_SCHEME.length, API_KEY_SCHEME.length + PREFIX_LENGTH),
  };
}

/**
 * The viewer of a valid API key, or null: unknown, malformed or revoked
 * keys, keys of deleted stores and keys whose store's primary subscription
 * has lost access or `api_access` all fail alike. One statement finds the
 * key and stamps `last_used_at`, at most once a minute: the conditional
 * UPDATE re-checks the row it locks, so concurrent requests write it once.
 */
export async function authenticateApiKey(manager: EntityManager, key: string): Promise<Viewer | null> {
  if (!API_KEY_PATTERN.test(key)) return null;
  const rows: Array<{ id: number; store_id: number; merchant_id: number; rate_tier: string | null }> =
    await manager.query(
      `WITH api_key AS (
       SELECT k.id, k.store_id, s.merchant_id, ${bestTierSql('s.merchant_id')} AS rate_tier
         FROM store_api_keys k
         JOIN stores s ON s.id = k.store_id AND s.deleted_at IS NULL
        WHERE k.key_hash = $1 AND k.revoked_at IS NULL
          AND EXISTS (
            SELECT 1 FROM store_platforms sp
              JOIN store_subscriptions sub ON sub.store_platform_id = sp.id
              JOIN subscription_tiers t ON t.id = sub.tier_id
             WHERE sp.store_id = k.store_id AND sp.is_primary AND sp.deleted_at IS NULL
               AND sub.status = ANY($2::subscription_status[])
               AND t.features @> jsonb_build_array($3::text))
     ), touched AS (
       UPDATE store_api_keys k SET last_used_at = $4
         FROM api_key
        WHERE k.id = api_key.id AND (k.last_used_at IS NULL OR k.last_used_at <= $4::timestamptz - interval '1 minute')
     )
     SELECT id, store_id, merchant_id, rate_tier FROM api_key`,
      [hashApiKey(key), ACCESS_STATUSES, API_KEY_FEATURE, clock.now()],
    );
  const row = rows[0];
  return row ? apiKeyViewer(row.id, { id: row.store_id, merchantId: row.merchant_id }, row.rate_tier) : null;
}
