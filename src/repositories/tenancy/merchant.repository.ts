import type { EntityManager } from 'typeorm';

import { Merchant } from '../../entities/tenancy/merchant.entity';

/**
 * The statements on merchants: reading one by id (row-level security leaves
 * out what the caller may not see), whether it is live, and its insert.
 */

/** The merchant with this id, or null; deleted ones too with `withDeleted`. */
export function findMerchantById(
  em: EntityManager,
  id: number,
  options: { withDeleted?: boolean } = {},
): Promise<Merchant | null> {
  return em.findOne(Merchant, { where: { id }, withDeleted: options.withDeleted ?? false });
}

/** The live merchant with this id, read again after a write; throws when there is none. */
export function reloadMerchant(em: EntityManager, id: number): Promise<Merchant> {
  return em.findOneByOrFail(Merchant, { id });
}

/** Whether the merchant with this id is live (not soft-deleted). */
export function merchantIsLive(em: EntityManager, id: number): Promise<boolean> {
  return em.exists(Merchant, { where: { id } });
}

/** Inserts a merchant; returns it saved. */
export function createMerchant(
  em: EntityManager,
  fields: Pick<Merchant, 'name' | 'contactEmail' | 'ownerUserId'>,
): Promise<Merchant> {
  return em.save(em.create(Merchant, fields));
}
