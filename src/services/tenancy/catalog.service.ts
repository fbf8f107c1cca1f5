import type { Context } from '../../context';
import { DomainError, UserErrorCode, isUniqueViolation, notFound } from '../../common/errors';
import { idOf } from '../../common/global-id';
import { Customer } from '../../entities/tenancy/customer.entity';
import { Order } from '../../entities/tenancy/order.entity';
import { Product } from '../../entities/tenancy/product.entity';
import { clock } from '../clock';
import { findStore } from './scoped';
import { assertCanAdd, consumeOrder } from '../subscriptions/subscription.service';

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
      return await ctx.dataSource.transaction(async (em) => {
        const store = await findStore(ctx, em, input.storeId, { access: 'team', field: ['storeId'] });
        if (await em.exists(Customer, { where: { storeId: store.id, email } })) throw exists();
        return em.save(
          em.create(Customer, { storeId: store.id, email, name: input.name ?? null, phone: input.phone ?? null }),
        );
      });
    } catch (error) {
      if (isUniqueViolation(error, 'uq_customers_store_email_live')) throw exists();
      throw error;
    }
  },

  async createProduct(ctx: Context, input: CreateProductInput): Promise<Product> {
    const exists = () => new DomainError(UserErrorCode.ALREADY_EXISTS, 'A product with this SKU exists', ['sku']);
    try {
      return await ctx.dataSource.transaction(async (em) => {
        const store = await findStore(ctx, em, input.storeId, { access: 'team', field: ['storeId'] });
        if (await em.exists(Product, { where: { storeId: store.id, sku: input.sku } })) throw exists();
        await assertCanAdd(em, store.id, 'products');
        return em.save(
          em.create(Product, { storeId: store.id, sku: input.sku, name: input.name, priceCents: input.priceCents }),
        );
      });
    } catch (error) {
      if (isUniqueViolation(error, 'uq_products_store_sku_live')) throw exists();
      throw error;
    }
  },

  async createOrder(ctx: Context, input: CreateOrderInput): Promise<Order> {
    return ctx.dataSource.transaction(async (em) => {
      const store = await findStore(ctx, em, input.storeId, { access: 'team', field: ['storeId'] });
      let customerId: number | null = null;
      if (input.customerId) {
        const id = idOf('Customer', input.customerId);
        const customer = id === null ? null : await em.findOne(Customer, { where: { id, storeId: store.id } });
        if (!customer) throw notFound('Customer', ['customerId']);
        customerId = customer.id;
      }
      await consumeOrder(em, store.id);
      return em.save(
        em.create(Order, {
          storeId: store.id,
          customerId,
          totalCents: input.totalCents,
          currency: (input.currency ?? 'EUR').toUpperCase(),
          reference: input.reference ?? null,
          placedAt: clock.now(),
        }),
      );
    });
  },
};
