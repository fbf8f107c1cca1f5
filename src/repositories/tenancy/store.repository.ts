import type { EntityManager } from 'typeorm';

import { Store } from '../../entities/tenancy/store.entity';
import type { Condition } from '../listing.repository';

/**
 * The statements on stores: reading one by id (row-level security leaves out
 * what the caller may not see), the live-uniqueness checks of a new store,
 * its insert and updates, and the SQL conditions of the store list. Who may
 * act on a store is the policies' rule (src/policy), not these.
 */

/**
 * The store with this id, or null; deleted ones too with `withDeleted`.
 * `lock` takes a row lock (FOR UPDATE) for check-then-write rules on the store.
 */
export function findStoreById(
  em: EntityManager,
  id: number,
  options: { lock?: boolean; withDeleted?: boolean } = {},
): Promise<Store | null> {
  return em.findOne(Store, {
    where: { id },
    withDeleted: options.withDeleted ?? false,
    ...(options.lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
  });
}

/** The live store with this id, read again after a write; throws when there is none. */
export function reloadStore(em: EntityManager, id: number): Promise<Store> {
  return em.findOneByOrFail(Store, { id });
}

/** Whether a live store uses this (upper-cased) store code. */
export function storeCodeInUse(em: EntityManager, storeCode: string): Promise<boolean> {
  return em.exists(Store, { where: { storeCode } });
}

/** Whether a live store uses this (lower-cased) subdomain. */
export function storeSubdomainInUse(em: EntityManager, subdomain: string): Promise<boolean> {
  return em.exists(Store, { where: { subdomain } });
}

/** Inserts a store; returns it saved. */
export function createStore(
  em: EntityManager,
  fields: Pick<Store, 'merchantId' | 'name' | 'storeCode' | 'subdomain'>,
): Promise<Store> {
  return em.save(em.create(Store, fields));
}

/** Writes the changed columns of a loaded store. */
export function saveStore(em: EntityManager, store: Store): Promise<Store> {
  return em.save(store);
}

/** List condition: the stores of this merchant. */
export const storesOfMerchantCondition = (merchantId: number): Condition => ['t.merchant_id = $?', merchantId];

/** List condition: the stores with a live membership in the platform of this code. */
export const storesOnPlatformCondition = (platformCode: string): Condition => [
  `EXISTS (SELECT 1 FROM store_platforms sp JOIN platforms p ON p.id = sp.platform_id
            WHERE sp.store_id = t.id AND sp.deleted_at IS NULL AND p.code = $?)`,
  platformCode,
];
