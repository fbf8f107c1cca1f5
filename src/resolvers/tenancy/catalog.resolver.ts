import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';

import type { Context } from '../../context';
import { Customer } from '../../entities/tenancy/customer.entity';
import { Order } from '../../entities/tenancy/order.entity';
import { Product } from '../../entities/tenancy/product.entity';
import { catalogService } from '../../services/tenancy/catalog.service';
import { SoftDeletableResolver } from '../common/soft-deletable.resolver';
import { payload } from '../common/user-error';
import {
  CreateCustomerInput,
  CreateOrderInput,
  CreateProductInput,
  CustomerPayload,
  OrderPayload,
  ProductPayload,
} from './types/catalog.types';

@Resolver(() => Customer)
export class CustomerResolver extends SoftDeletableResolver(Customer) {
  @Authorized()
  @Mutation(() => CustomerPayload)
  createCustomer(@Arg('input', () => CreateCustomerInput) input: CreateCustomerInput, @Ctx() ctx: Context) {
    return payload(async () => ({ customer: await catalogService.createCustomer(ctx, input) }));
  }
}

@Resolver(() => Product)
export class ProductResolver extends SoftDeletableResolver(Product) {
  @Authorized()
  @Mutation(() => ProductPayload)
  createProduct(@Arg('input', () => CreateProductInput) input: CreateProductInput, @Ctx() ctx: Context) {
    return payload(async () => ({ product: await catalogService.createProduct(ctx, input) }));
  }
}

@Resolver(() => Order)
export class OrderResolver extends SoftDeletableResolver(Order) {
  @FieldResolver(() => Customer, { nullable: true })
  customer(@Root() order: Order, @Ctx() ctx: Context): Promise<Customer | null> | null {
    return order.customerId === null ? null : ctx.loaders.byId(Customer).load(order.customerId);
  }

  @Authorized()
  @Mutation(() => OrderPayload)
  createOrder(@Arg('input', () => CreateOrderInput) input: CreateOrderInput, @Ctx() ctx: Context) {
    return payload(async () => ({ order: await catalogService.createOrder(ctx, input) }));
  }
}
