import type { EntityManager } from 'typeorm';
import { leanQuery } from '../../db/lean';
import { Role } from '../../entities/tenancy/enums';
import { bestTierSql } from '../../limits/payer';

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

/** One statement: the live, active user with their owned merchants and accepted team memberships. */
export async function loadViewer(manager: EntityManager, userId: number): Promise<Viewer | null> {
  const rows = await leanQuery<{
    role: Role;
    merchant_ids: number[];
    store_ids: number[];
    store_merchant_ids: number[];
    catalog_version: number;
    rate_merchant_id: number | null;
    rate_tier: string | null;
  }>(
    manager,
    `SELECT v.*, ${bestTierSql('v.rate_merchant_id')} AS rate_tier
       FROM (SELECT w.*, COALESCE((SELECT min(id) FROM unnest(w.merchant_ids) id),
                                  (SELECT min(id) FROM unnest(w.store_merchant_ids) id)) AS rate_merchant_id
               FROM (
       SELECT u.role,
              ARRAY(SELECT m.id FROM merchants m WHERE m.owner_user_id = u.id AND m.deleted_at IS NULL) AS merchant_ids,
              ARRAY(SELECT s.id FROM store_users su JOIN stores s ON s.id = su.store_id AND s.deleted_at IS NULL
                     WHERE su.user_id = u.id AND su.deleted_at IS NULL AND su.is_active
                       AND su.accepted_at IS NOT NULL) AS store_ids,
              ARRAY(SELECT DISTINCT s.merchant_id FROM store_users su JOIN stores s ON s.id = su.store_id AND s.deleted_at IS NULL
                     WHERE su.user_id = u.id AND su.deleted_at IS NULL AND su.is_active
                       AND su.accepted_at IS NOT NULL) AS store_merchant_ids,
              (SELECT version FROM catalog_version) AS catalog_version
         FROM users u
        WHERE u.id = $1 AND u.deleted_at IS NULL AND u.is_active) w) v`,
    [userId],
  );
  const row = rows[0];
  if (!row) return null;
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

/**
 * `scope.canSeeMerchant` inside a statement, for the signed-in user whose id
 * is the parameter `userParam`: ADMIN, the merchant's owner, or an accepted,
 * active member of one of its live stores (the rules `loadViewer` reads).
 * A hot read that checks its own rows this way needs no viewer statement.
 */
export function userSeesMerchantSql(userParam: string, merchantColumn: string): string {
  return `EXISTS (SELECT 1 FROM users u
                   WHERE u.id = ${userParam} AND u.deleted_at IS NULL AND u.is_active
                     AND (u.role = '${Role.ADMIN}'
                          OR EXISTS (SELECT 1 FROM merchants m
                                      WHERE m.id = ${merchantColumn} AND m.owner_user_id = u.id AND m.deleted_at IS NULL)
                          OR EXISTS (SELECT 1 FROM store_users su
                                       JOIN stores s ON s.id = su.store_id AND s.deleted_at IS NULL
                                      WHERE su.user_id = u.id AND s.merchant_id = ${merchantColumn}
                                        AND su.deleted_at IS NULL AND su.is_active AND su.accepted_at IS NOT NULL)))`;
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

/** Scope rules: every read and write by id asks one of these. */
export const scope = {
  canSeeMerchant: (v: Viewer | null, merchantId: number): boolean =>
    !!v && (v.isAdmin || v.ownedMerchantIds.has(merchantId) || v.memberMerchantIds.has(merchantId)),
  canManageMerchant: (v: Viewer | null, merchantId: number): boolean =>
    !!v && (v.isAdmin || v.ownedMerchantIds.has(merchantId)),
  canSeeStore: (v: Viewer | null, store: { id: number; merchantId: number }): boolean =>
    !!v && (v.isAdmin || v.ownedMerchantIds.has(store.merchantId) || v.memberStoreIds.has(store.id)),
  canManageStore: (v: Viewer | null, store: { merchantId: number }): boolean =>
    !!v && (v.isAdmin || v.ownedMerchantIds.has(store.merchantId)),
};
