import type { EntityManager } from 'typeorm';

import { Customer } from '../../entities/tenancy/customer.entity';

/** The statements on a store's customers: lookups, the live-uniqueness check of a new one, its insert, the export. */

/** Whether a live customer of the store has this (lower-cased) e-mail. */
export function customerEmailInUse(em: EntityManager, storeId: number, email: string): Promise<boolean> {
  return em.exists(Customer, { where: { storeId, email } });
}

/** The store's live customer with this id, or null (another store's customer is none). */
export function findStoreCustomer(em: EntityManager, storeId: number, id: number): Promise<Customer | null> {
  return em.findOne(Customer, { where: { id, storeId } });
}

/** The store's live customers, in id order. */
export function customersOfStore(em: EntityManager, storeId: number): Promise<Customer[]> {
  return em.find(Customer, { where: { storeId }, order: { id: 'ASC' } });
}

/** Inserts a customer; returns it saved. */
export function createCustomer(
  em: EntityManager,
  fields: Pick<Customer, 'storeId' | 'email' | 'name' | 'phone'>,
): Promise<Customer> {
  return em.save(em.create(Customer, fields));
}
