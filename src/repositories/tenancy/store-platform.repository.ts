import type { EntityManager } from 'typeorm';

import { StorePlatform } from '../../entities/tenancy/store-platform.entity';

/**
 * The statements on store memberships in platforms (`store_platforms`):
 * reading them, inserting one, moving the store's primary flag, writing
 * changes and soft-deleting one. That a store has one primary membership
 * and at most one per platform is the service's rule, backed by partial
 * unique indexes.
 */

/** The live membership with this id, or null. */
export function findMembershipById(em: EntityManager, id: number): Promise<StorePlatform | null> {
  return em.findOne(StorePlatform, { where: { id } });
}

/** The store's live memberships. */
export function membershipsOfStore(em: EntityManager, storeId: number): Promise<StorePlatform[]> {
  return em.find(StorePlatform, { where: { storeId } });
}

/** Inserts a membership; returns it saved. */
export function createMembership(
  em: EntityManager,
  fields: Pick<StorePlatform, 'storeId' | 'platformId' | 'isPrimary' | 'customSubdomain' | 'settings'>,
): Promise<StorePlatform> {
  return em.save(em.create(StorePlatform, fields));
}

/** Writes the changed columns of a loaded membership. */
export function saveMembership(em: EntityManager, membership: StorePlatform): Promise<StorePlatform> {
  return em.save(membership);
}

/** Unmarks the store's primary membership, if any. */
export async function clearPrimaryMembership(em: EntityManager, storeId: number): Promise<void> {
  await em.update(StorePlatform, { storeId, isPrimary: true }, { isPrimary: false });
}

/** Marks this membership its store's primary. */
export async function markMembershipPrimary(em: EntityManager, id: number): Promise<void> {
  await em.update(StorePlatform, { id }, { isPrimary: true });
}

/** Soft-deletes the membership (with what it owns, through the soft-delete subscriber). */
export async function softDeleteMembership(em: EntityManager, membership: StorePlatform): Promise<void> {
  await em.softRemove(membership);
}
