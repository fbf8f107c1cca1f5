import type { EntityManager } from 'typeorm';

import { Order } from '../../entities/tenancy/order.entity';
import { Product } from '../../entities/tenancy/product.entity';

/** The statements on what a store's team records besides customers: its products and orders. */

/** Whether a live product of the store has this SKU. */
export function productSkuInUse(em: EntityManager, storeId: number, sku: string): Promise<boolean> {
  return em.exists(Product, { where: { storeId, sku } });
}

/** Inserts a product; returns it saved. */
export function createProduct(
  em: EntityManager,
  fields: Pick<Product, 'storeId' | 'sku' | 'name' | 'priceCents'>,
): Promise<Product> {
  return em.save(em.create(Product, fields));
}

/** Inserts an order; returns it saved. */
export function createOrder(
  em: EntityManager,
  fields: Pick<Order, 'storeId' | 'customerId' | 'totalCents' | 'currency' | 'reference' | 'placedAt'>,
): Promise<Order> {
  return em.save(em.create(Order, fields));
}
