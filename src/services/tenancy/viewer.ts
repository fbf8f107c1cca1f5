import { identitySql, type Opening } from '../../db/request-transaction';
import { Role } from '../../entities/tenancy/enums';
import { bestTierSql } from '../../limits/payer';
import { API_KEY_FEATURE } from '../auth/api-key';
import { storeGrantsFeatureSql } from '../../repositories/subscriptions/subscription-rules.sql';

/**
 * Who is calling and what they may see, resolved once per request: the
 * merchants they own and the stores whose team they have joined. A store
 * API key is a viewer too: no user, role STORE_STAFF, a member of exactly
 * its store and owner of nothing, so the scope rules below treat it as a
 * team member and it can never manage anything.
 */
export interface Viewer {
  /** The signed-in user; null for an API key, which acts for its store and not for a person. */
  userId: number | null;
  /** The API key the request authenticated with; null for a signed-in user. */
  apiKeyId: number | null;
  role: Role;
  isAdmin: boolean;
  ownedMerchantIds: ReadonlySet<number>;
  memberStoreIds: ReadonlySet<number>;
  /** Merchants of the stores the viewer is a team member of. */
  memberMerchantIds: ReadonlySet<number>;
  /** The reference catalogue's version, read with the viewer (null when not read): see Loaders.catalog. */
  catalogVersion: number | null;
  /**
   * Whose query-cost bucket the viewer draws from (src/limits/payer.ts): the
   * lowest-numbered merchant it owns, else the lowest it works for (null:
   * none), and that merchant's best tier code (null: no live subscription).
   */
  rate: { merchantId: number | null; tier: string | null };
}

/** Who a request's bearer token names, as far as the token alone tells (authentication reads no row). */
export type Credential = { kind: 'user'; userId: number } | { kind: 'apiKey'; keyHash: string } | null;

interface UserRow {
  role: Role;
  merchant_ids: number[];
  store_ids: number[];
  store_merchant_ids: number[];
  catalog_version: number;
  rate_merchant_id: number | null;
  rate_tier: string | null;
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
 * subscriptions/rules), a team member of that one store. Its
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
const ANONYMOUS_OPENING = `SELECT ${identitySql({
  role: `'orion_app'`,
  context: `'request'`,
  userId: 'NULL',
  merchants: NONE,
  teamMerchants: NONE,
  stores: NONE,
})}`;

/**
 * The opening of a request's transaction (src/db/request-transaction.ts):
 * who the credential names, read and written into the identity settings the
 * policies read, in the request's first round trip. Its value is the
 * viewer; null for no credential or one that no longer works.
 */
export function viewerOpening(credential: Credential, now: () => Date): Opening<Viewer | null> {
  if (credential?.kind === 'user') {
    const { userId } = credential;
    return {
      text: USER_OPENING,
      values: [userId],
      read: ({ rows: [row] }) => (row?.role ? userViewer(userId, row as UserRow) : null),
    };
  }
  if (credential?.kind === 'apiKey') {
    return {
      text: API_KEY_OPENING,
      values: [credential.keyHash, API_KEY_FEATURE, now()],
      read: ({ rows: [row] }) =>
        row?.id ? apiKeyViewer(row.id, { id: row.store_id, merchantId: row.merchant_id }, row.rate_tier) : null,
      writes: true,
    };
  }
  return { text: ANONYMOUS_OPENING, values: [], read: () => null };
}

function userViewer(userId: number, row: UserRow): Viewer {
  return {
    userId,
    apiKeyId: null,
    role: row.role,
    isAdmin: row.role === Role.ADMIN,
    ownedMerchantIds: new Set(row.merchant_ids),
    memberStoreIds: new Set(row.store_ids),
    memberMerchantIds: new Set(row.store_merchant_ids),
    catalogVersion: row.catalog_version,
    rate: { merchantId: row.rate_merchant_id, tier: row.rate_tier },
  };
}

/** The viewer of a valid API key of `store`: a team member of that one store. */
export function apiKeyViewer(
  apiKeyId: number,
  store: { id: number; merchantId: number },
  rateTier: string | null,
): Viewer {
  return {
    userId: null,
    apiKeyId,
    role: Role.STORE_STAFF,
    isAdmin: false,
    ownedMerchantIds: new Set(),
    memberStoreIds: new Set([store.id]),
    memberMerchantIds: new Set([store.merchantId]),
    catalogVersion: null,
    rate: { merchantId: store.merchantId, tier: rateTier },
  };
}
