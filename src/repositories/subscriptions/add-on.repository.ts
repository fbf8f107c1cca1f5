import type { EntityManager } from 'typeorm';

import { AddOnProduct } from '../../entities/subscriptions/add-on-product.entity';
import { type AddOnCategory, AddOnStatus } from '../../entities/subscriptions/enums';
import { StoreAddOn } from '../../entities/subscriptions/store-add-on.entity';

/**
 * The statements of add-ons: the product catalogue ADMIN keeps, and the
 * purchases of a store. Who may see, buy or cancel what is decided by
 * add-on.service.ts; these only read and write the rows.
 */

/** The fields of a new add-on product, as the service settled them (defaults applied). */
export type NewAddOnProduct = Pick<
  AddOnProduct,
  | 'code'
  | 'name'
  | 'description'
  | 'category'
  | 'priceCents'
  | 'billingPeriod'
  | 'quantityUnit'
  | 'quantityValue'
  | 'stripeProductId'
  | 'stripePriceId'
  | 'displayOrder'
  | 'isActive'
>;

/** The fields of a new purchase of an add-on by a store. */
export type NewStoreAddOn = Pick<
  StoreAddOn,
  | 'storeId'
  | 'addOnProductId'
  | 'status'
  | 'domainName'
  | 'quantity'
  | 'stripeSubscriptionItemId'
  | 'periodStart'
  | 'periodEnd'
  | 'cancelledAt'
>;

/** Reads the catalogue in its order (display order, then id): of one category when given, only active products when `activeOnly`. */
export function addOnCatalogue(
  em: EntityManager,
  filter: { category: AddOnCategory | null; activeOnly: boolean },
): Promise<AddOnProduct[]> {
  return em.find(AddOnProduct, {
    where: {
      ...(filter.category ? { category: filter.category } : {}),
      ...(filter.activeOnly ? { isActive: true } : {}),
    },
    order: { displayOrder: 'ASC', id: 'ASC' },
  });
}

/** Reads the add-on product with this id (null: none). */
export function findAddOnProduct(em: EntityManager, id: number): Promise<AddOnProduct | null> {
  return em.findOne(AddOnProduct, { where: { id } });
}

/** Reads the add-on product that holds this code (null: the code is free). */
export function findAddOnProductByCode(em: EntityManager, code: string): Promise<AddOnProduct | null> {
  return em.findOne(AddOnProduct, { where: { code } });
}

/** Inserts a new add-on product; returns it with its id. */
export function createAddOnProduct(em: EntityManager, fields: NewAddOnProduct): Promise<AddOnProduct> {
  return em.save(em.create(AddOnProduct, fields));
}

/** Writes the changes of a loaded add-on product. */
export function saveAddOnProduct(em: EntityManager, product: AddOnProduct): Promise<AddOnProduct> {
  return em.save(product);
}

/** Whether the store has an ACTIVE purchase of the product. */
export function storeHasActiveAddOn(em: EntityManager, storeId: number, addOnProductId: number): Promise<boolean> {
  return em.exists(StoreAddOn, { where: { storeId, addOnProductId, status: AddOnStatus.ACTIVE } });
}

/** Inserts a store's purchase of an add-on; returns it with its id. */
export function createStoreAddOn(em: EntityManager, fields: NewStoreAddOn): Promise<StoreAddOn> {
  return em.save(em.create(StoreAddOn, fields));
}

/** Reads a store's add-on by id, row-locked until the transaction ends (null: none). */
export function lockStoreAddOn(em: EntityManager, id: number): Promise<StoreAddOn | null> {
  return em.findOne(StoreAddOn, { where: { id }, lock: { mode: 'pessimistic_write' } });
}

/** Writes the changes of a loaded store add-on. */
export function saveStoreAddOn(em: EntityManager, addOn: StoreAddOn): Promise<StoreAddOn> {
  return em.save(addOn);
}
