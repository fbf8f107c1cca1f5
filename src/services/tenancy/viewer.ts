import type { Opening } from '../../db/request-transaction';
import { Role } from '../../entities/tenancy/enums';
import { BEST_TIER_ARGUMENTS } from '../../limits/payer';
import { API_KEY_FEATURE } from '../auth/api-key';

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
 * The opening of a request's transaction (src/db/request-transaction.ts):
 * `orion.open_user` / `orion.open_api_key` / `orion.open_anonymous` of the
 * row-level security migration read who the credential names (the live,
 * active user with the merchants they own and their accepted team
 * memberships; an unrevoked key of a live store whose primary subscription
 * grants `api_access`), write the identity settings the policies read, and
 * switch to the policies' role, in the request's first round trip. Its
 * value is the viewer; null for no credential or one that no longer works.
 */
export function viewerOpening(credential: Credential, now: () => Date): Opening<Viewer | null> {
  if (credential?.kind === 'user') {
    const { userId } = credential;
    if (!Number.isSafeInteger(userId)) throw new Error('A user id is an integer');
    return {
      sql: () => `SELECT * FROM orion.open_user(${userId}, ${BEST_TIER_ARGUMENTS})`,
      read: ({ rows: [row] }) => (row ? userViewer(userId, row as UserRow) : null),
    };
  }
  if (credential?.kind === 'apiKey') {
    const { keyHash } = credential;
    return {
      sql: (literal) =>
        `SELECT * FROM orion.open_api_key(${literal(keyHash)}, ${literal(now().toISOString())}, ` +
        `${BEST_TIER_ARGUMENTS}, ${literal(API_KEY_FEATURE)})`,
      read: ({ rows: [row] }) =>
        row ? apiKeyViewer(row.id, { id: row.store_id, merchantId: row.merchant_id }, row.rate_tier) : null,
      writes: true,
    };
  }
  return { sql: () => `SELECT orion.open_anonymous()`, read: () => null };
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
