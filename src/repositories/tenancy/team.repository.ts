import { type EntityManager, IsNull, MoreThan } from 'typeorm';

import { StoreUser } from '../../entities/tenancy/store-user.entity';

/**
 * The statements on store teams (`store_users`): membership checks, the
 * pending membership an invitation creates, and its acceptance.
 */

/** Whether the user has a live membership (pending or accepted) in the store's team. */
export function isStoreTeamMember(em: EntityManager, storeId: number, userId: number): Promise<boolean> {
  return em.exists(StoreUser, { where: { storeId, userId } });
}

/** Inserts a pending membership: an invitation with its token's hash and expiry; returns it saved. */
export function createInvitation(
  em: EntityManager,
  fields: Pick<StoreUser, 'storeId' | 'userId' | 'role' | 'invitedAt' | 'invitationTokenHash' | 'invitationExpiresAt'>,
): Promise<StoreUser> {
  return em.save(em.create(StoreUser, fields));
}

/** The pending, unexpired invitation with this token hash, row-locked so it is accepted once. */
export function lockPendingInvitation(em: EntityManager, tokenHash: string, now: Date): Promise<StoreUser | null> {
  return em.findOne(StoreUser, {
    where: { invitationTokenHash: tokenHash, acceptedAt: IsNull(), invitationExpiresAt: MoreThan(now) },
    lock: { mode: 'pessimistic_write' },
  });
}

/** Marks the invitation accepted at `at` and forgets its token, so it works once. */
export async function markInvitationAccepted(em: EntityManager, membershipId: number, at: Date): Promise<void> {
  await em.update(StoreUser, { id: membershipId }, { acceptedAt: at, invitationTokenHash: null });
}
