import { AccessDeniedError, notFound } from '../common/errors';
import type { Viewer } from '../services/tenancy/viewer';

/**
 * What row-level security does not decide. Which rows a request may see is
 * the policies' (migrations/*-RowLevelSecurity.ts): a row out of the
 * caller's reach is simply not there, and `visible` turns that absence into
 * NOT_FOUND, in this one place. What remains is the app's:
 *
 * - who may act on a row they can see: a store's team acts on the store
 *   (its orders, customers, cards); only ADMIN and the merchant's owner
 *   manage it (settings, subscriptions, keys, team, PINs);
 * - what of a row the policies show to outsiders (a storefront found by its
 *   Host is public: its store, merchant and memberships) stays private:
 *   the team's fields answer only the team.
 */
export const policy = {
  /** ADMIN, the merchant's owner, or a team member of one of its stores. */
  onMerchantTeam: (v: Viewer | null, merchantId: number): boolean =>
    !!v && (v.isAdmin || v.ownedMerchantIds.has(merchantId) || v.memberMerchantIds.has(merchantId)),
  /** ADMIN, the store's merchant's owner, or a team member of the store. */
  onStoreTeam: (v: Viewer | null, store: { id: number; merchantId: number }): boolean =>
    !!v && (v.isAdmin || v.ownedMerchantIds.has(store.merchantId) || v.memberStoreIds.has(store.id)),
  /** ADMIN or the merchant's owner. */
  managesMerchant: (v: Viewer | null, merchantId: number): boolean =>
    !!v && (v.isAdmin || v.ownedMerchantIds.has(merchantId)),
  /** A user (no tenant's row): themselves and ADMIN. */
  seesUser: (v: Viewer | null, userId: number): boolean => !!v && (v.isAdmin || v.userId === userId),
  /** ADMIN or the owner of the store's merchant. */
  managesStore: (v: Viewer | null, store: { merchantId: number }): boolean =>
    !!v && (v.isAdmin || v.ownedMerchantIds.has(store.merchantId)),
};

/** Who may do something with a row they see: on the team, or managing it. */
export type Access = 'team' | 'manage';

/** Whether `viewer` has `access` to a row of `merchantId` (and of `store`, for a store's row). */
export function allows(
  viewer: Viewer | null,
  access: Access,
  owner: { merchantId: number; store?: { id: number; merchantId: number } },
): boolean {
  if (access === 'manage') return policy.managesMerchant(viewer, owner.merchantId);
  return owner.store ? policy.onStoreTeam(viewer, owner.store) : policy.onMerchantTeam(viewer, owner.merchantId);
}

/**
 * The row, or NOT_FOUND on `field` when the policies kept it out of reach (or
 * it never existed, or it was deleted: the caller cannot tell which), or when
 * `allowed` says the caller may not act on it.
 */
export function visible<T>(row: T | null | undefined, type: string, field: string[], allowed = true): T {
  if (row == null || !allowed) throw notFound(type, field);
  return row;
}

/**
 * Which rows of a soft-deletable list the caller gets: live ones, unless ADMIN
 * asks for deleted ones too (`includeDeleted`) or only (`onlyDeleted`);
 * anyone else asking is refused.
 */
export function deletedRowsFor(
  viewer: Viewer | null,
  args: { includeDeleted?: boolean | null; onlyDeleted?: boolean | null },
): 'live' | 'include' | 'only' {
  if (!args.includeDeleted && !args.onlyDeleted) return 'live';
  if (!viewer?.isAdmin) throw new AccessDeniedError('Only ADMIN may list deleted rows');
  return args.onlyDeleted ? 'only' : 'include';
}
