import { identitySql, type Opening } from '../../db/request-transaction';
import { Role } from '../../entities/tenancy/enums';
import { bestTierSql } from '../../limits/payer';
import { storeGrantsFeatureSql } from '../subscriptions/subscription-rules.sql';

/**
 * The statements that open a request's transaction (src/db/request-transaction.ts):
 * each reads who the credential names and writes the identity settings the
 * policies read, in the request's first round trip. src/services/tenancy/viewer.ts
 * turns their row into the request's viewer.
 */

export interface UserIdentityRow {
  role: Role;
  merchant_ids: number[];
  store_ids: number[];
  store_merchant_ids: number[];
  catalog_version: number;
  rate_merchant_id: number | null;
  rate_tier: string | null;
}

export interface ApiKeyIdentityRow {
  id: number;
  storeId: number;
  merchantId: number;
  rateTier: string | null;
}

/**
 * A signed-in user's opening: the live, active user's role, the merchants
 * they own and the live stores (and their merchants) whose team they joined,
 * kept ready in one orion.identities row by the triggers of the
 * IdentityOfUsers and IdentityHoldsUser migrations; the catalogue's version;
 * the merchant whose cost bucket they draw from with its best tier. One row
 * even when the user is gone (then no identity: anonymous).
 */
const USER_OPENING = `
  SELECT v.*, ${bestTierSql('v.rate_merchant_id')} AS rate_tier,
         ${identitySql({
           role: `CASE WHEN v.role = '${Role.ADMIN}' THEN 'orion_admin' ELSE 'orion_app' END`,
           context: `'request'`,
           userId: 'v.user_id',
           merchants: 'v.merchant_ids',
           teamMerchants: 'v.store_merchant_ids',
           stores: 'v.store_ids',
         })}
    FROM (SELECT i.user_id, i.role::text AS role,
                 coalesce(i.merchants, '{}') AS merchant_ids,
                 coalesce(i.stores, '{}') AS store_ids,
                 coalesce(i.team_merchants, '{}') AS store_merchant_ids,
                 coalesce(i.merchants[1], i.team_merchants[1]) AS rate_merchant_id,
                 (SELECT c.version FROM catalog_version c) AS catalog_version
            FROM (SELECT 1) one
            LEFT JOIN orion.identities i ON i.user_id = $1 AND i.live) v`;

/**
 * An API key's opening: an unrevoked key of a live store whose governing
 * subscription grants `api_access` (the feature gate's SQL form, from
 * subscriptions/subscription-rules.ts), a team member of that one store. Its
 * last_used_at is stamped at most once a minute, by the one request that
 * locks the stale row: the lock lasts as long as that request's transaction,
 * so the others skip it rather than wait (a long request must not stall every
 * other request of its key). One row even for a key that does not work.
 */
const API_KEY_OPENING = `
  WITH api_key AS (
    SELECT k.id, k.store_id, s.merchant_id
      FROM store_api_keys k
      JOIN stores s ON s.id = k.store_id AND s.deleted_at IS NULL
     WHERE k.key_hash = $1 AND k.revoked_at IS NULL
       AND ${storeGrantsFeatureSql('k.store_id', '$2::text')}
  ), touched AS (
    UPDATE store_api_keys k SET last_used_at = $3
     WHERE k.id = (SELECT l.id FROM store_api_keys l JOIN api_key a ON a.id = l.id
                    WHERE l.last_used_at IS NULL OR l.last_used_at <= $3::timestamptz - interval '1 minute'
                      FOR UPDATE OF l SKIP LOCKED)
  )
  SELECT a.id, a.store_id, a.merchant_id, ${bestTierSql('a.merchant_id')} AS rate_tier,
         ${identitySql({
           role: `'orion_app'`,
           context: `'request'`,
           userId: 'NULL',
           merchants: `'{}'`,
           teamMerchants: `CASE WHEN a.id IS NULL THEN '{}' ELSE ARRAY[a.merchant_id] END`,
           stores: `CASE WHEN a.id IS NULL THEN '{}' ELSE ARRAY[a.store_id] END`,
         })}
    FROM (SELECT 1) one LEFT JOIN api_key a ON true`;

const NONE = `'{}'`;
const ANONYMOUS_SQL = `SELECT ${identitySql({
  role: `'orion_app'`,
  context: `'request'`,
  userId: 'NULL',
  merchants: NONE,
  teamMerchants: NONE,
  stores: NONE,
})}`;

/** A signed-in user's opening (USER_OPENING); null when the user is gone or inactive. */
export function userIdentityOpening(userId: number): Opening<UserIdentityRow | null> {
  return {
    text: USER_OPENING,
    values: [userId],
    read: ({ rows: [row] }) => (row?.role ? (row as UserIdentityRow) : null),
  };
}

/** An API key's opening (API_KEY_OPENING), granted `feature`, stamped at `now`; null for a key that does not work. */
export function apiKeyIdentityOpening(keyHash: string, feature: string, now: Date): Opening<ApiKeyIdentityRow | null> {
  return {
    text: API_KEY_OPENING,
    values: [keyHash, feature, now],
    read: ({ rows: [row] }) =>
      row?.id ? { id: row.id, storeId: row.store_id, merchantId: row.merchant_id, rateTier: row.rate_tier } : null,
    writes: true,
  };
}

/** An anonymous caller's opening: no identity. */
export const ANONYMOUS_OPENING: Opening<null> = { text: ANONYMOUS_SQL, values: [], read: () => null };
