import { DomainError, isUniqueViolation, notFound, UserErrorCode } from '../../common/errors';
import { idOf } from '../../common/global-id';
import type { Context } from '../../context';
import type { Customer } from '../../entities/tenancy/customer.entity';
import type { Order } from '../../entities/tenancy/order.entity';
import type { Product } from '../../entities/tenancy/product.entity';
import { createOrder, createProduct, productSkuInUse } from '../../repositories/tenancy/catalog.repository';
import { createCustomer, customerEmailInUse, findStoreCustomer } from '../../repositories/tenancy/customer.repository';
import { clock } from '../clock';
import { subscriptionService } from '../subscriptions/subscription.service';
import { findStore } from './scoped';

export interface CreateCustomerInput {
  storeId: string;
  email: string;
  name?: string | null;
  phone?: string | null;
}

export interface CreateProductInput {
  storeId: string;
  sku: string;
  name: string;
  priceCents: number;
}

export interface CreateOrderInput {
  storeId: string;
  totalCents: number;
  currency?: string | null;
  customerId?: string | null;
  reference?: string | null;
}

/** What a store's team records: customers, products and orders; products and orders count against the tier. */
export const catalogService = {
  async createCustomer(ctx: Context, input: CreateCustomerInput): Promise<Customer> {
    const email = input.email.toLowerCase();
    const exists = () => new DomainError(UserErrorCode.ALREADY_EXISTS, 'A customer with this email exists', ['email']);
    try {
      return await ctx.manager.transaction(async (em) => {
        const store = await findStore(ctx, em, input.storeId, { access: 'team', field: ['storeId'] });
        if (await customerEmailInUse(em, store.id, email)) throw exists();
        return createCustomer(em, { storeId: store.id, email, name: input.name ?? null, phone: input.phone ?? null });
      });
    } catch (error) {
      if (isUniqueViolation(error, 'uq_customers_store_email_live')) throw exists();
      throw error;
    }
  },

  async createProduct(ctx: Context, input: CreateProductInput): Promise<Product> {
    const exists = () => new DomainError(UserErrorCode.ALREADY_EXISTS, 'A product with this SKU exists', ['sku']);
    try {
      return await ctx.manager.transaction(async (em) => {
        const store = await findStore(ctx, em, input.storeId, { access: 'team', field: ['storeId'] });
        if (await productSkuInUse(em, store.id, input.sku)) throw exists();
        await subscriptionService.assertCanAdd(em, store.id, 'products');
        return createProduct(em, {
          storeId: store.id,
          sku: input.sku,
          name: input.name,
          priceCents: input.priceCents,
        });
      });
    } catch (error) {
      if (isUniqueViolation(error, 'uq_products_store_sku_live')) throw exists();
      throw error;
    }
  },

  async createOrder(ctx: Context, input: CreateOrderInput): Promise<Order> {
    return ctx.manager.transaction(async (em) => {
      const store = await findStore(ctx, em, input.storeId, { access: 'team', field: ['storeId'] });
      let customerId: number | null = null;
      if (input.customerId) {
        const id = idOf('Customer', input.customerId);
        const customer = id === null ? null : await findStoreCustomer(em, store.id, id);
        if (!customer) throw notFound('Customer', ['customerId']);
        customerId = customer.id;
      }
      await subscriptionService.consumeOrder(em, store.id);
      return createOrder(em, {
        storeId: store.id,
        customerId,
        totalCents: input.totalCents,
        currency: (input.currency ?? 'EUR').toUpperCase(),
        reference: input.reference ?? null,
        placedAt: clock.now(),
      });
    });
  },
};
