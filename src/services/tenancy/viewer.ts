import type { Opening } from '../../db/request-transaction';
import { Role } from '../../entities/tenancy/enums';
import {
  ANONYMOUS_OPENING,
  apiKeyIdentityOpening,
  userIdentityOpening,
  type UserIdentityRow,
} from '../../repositories/tenancy/identity.repository';
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

/**
 * The opening of a request's transaction (src/db/request-transaction.ts):
 * who the credential names, read and written into the identity settings the
 * policies read, in the request's first round trip. Its value is the
 * viewer; null for no credential or one that no longer works.
 */
export function viewerOpening(credential: Credential, now: () => Date): Opening<Viewer | null> {
  if (credential?.kind === 'user') {
    const { userId } = credential;
    return mapped(userIdentityOpening(userId), (row) => userViewer(userId, row));
  }
  if (credential?.kind === 'apiKey') {
    return mapped(apiKeyIdentityOpening(credential.keyHash, API_KEY_FEATURE, now()), (row) =>
      apiKeyViewer(row.id, { id: row.storeId, merchantId: row.merchantId }, row.rateTier),
    );
  }
  return mapped(ANONYMOUS_OPENING, () => null);
}

/** An opening whose row, when there is one, becomes a viewer. */
function mapped<R>(opening: Opening<R | null>, toViewer: (row: R) => Viewer | null): Opening<Viewer | null> {
  return {
    ...opening,
    read: (result) => {
      const row = opening.read(result);
      return row === null ? null : toViewer(row);
    },
  };
}

function userViewer(userId: number, row: UserIdentityRow): Viewer {
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
