import { Arg, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';

import type { Context } from '../../context';
import { AddOnProduct } from '../../entities/subscriptions/add-on-product.entity';
import { AddOnCategory } from '../../entities/subscriptions/enums';
import { StoreAddOn } from '../../entities/subscriptions/store-add-on.entity';
import { Role } from '../../entities/tenancy/enums';
import { Store } from '../../entities/tenancy/store.entity';
import { addOnService } from '../../services/subscriptions/add-on.service';
import { payload } from '../common/user-error';
import {
  AddOnProductPayload,
  CancelAddOnInput,
  CreateAddOnProductInput,
  PurchaseAddOnInput,
  StoreAddOnPayload,
  UpdateAddOnProductInput,
} from './types/add-on.types';

/** The add-on catalogue (ADMIN) and a store's purchases of it. */
@Resolver(() => StoreAddOn)
export class AddOnResolver {
  @Query(() => [AddOnProduct], { description: 'Add-on products on sale (ADMIN: all, inactive ones included)' })
  addOnProducts(
    @Arg('category', () => AddOnCategory, { nullable: true }) category: AddOnCategory | null,
    @Ctx() ctx: Context,
  ): Promise<AddOnProduct[]> {
    return addOnService.listProducts(ctx, category);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => AddOnProductPayload)
  createAddOnProduct(@Arg('input', () => CreateAddOnProductInput) input: CreateAddOnProductInput, @Ctx() ctx: Context) {
    return payload(async () => ({ addOnProduct: await addOnService.createProduct(ctx, input) }));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => AddOnProductPayload, {
    description: 'isActive: false withdraws a product; products are never deleted',
  })
  updateAddOnProduct(@Arg('input', () => UpdateAddOnProductInput) input: UpdateAddOnProductInput, @Ctx() ctx: Context) {
    return payload(async () => ({ addOnProduct: await addOnService.updateProduct(ctx, input) }));
  }

  @Authorized()
  @Mutation(() => StoreAddOnPayload, { description: 'ADMIN or the merchant owner; one ACTIVE purchase per product' })
  purchaseAddOn(@Arg('input', () => PurchaseAddOnInput) input: PurchaseAddOnInput, @Ctx() ctx: Context) {
    return payload(async () => ({ storeAddOn: await addOnService.purchase(ctx, input) }));
  }

  @Authorized()
  @Mutation(() => StoreAddOnPayload, { description: 'Stays usable until periodEnd' })
  cancelAddOn(@Arg('input', () => CancelAddOnInput) input: CancelAddOnInput, @Ctx() ctx: Context) {
    return payload(async () => ({ storeAddOn: await addOnService.cancel(ctx, input) }));
  }

  @FieldResolver(() => AddOnProduct)
  async addOnProduct(@Root() addOn: StoreAddOn, @Ctx() ctx: Context): Promise<AddOnProduct> {
    return (await ctx.loaders.byId(AddOnProduct).load(addOn.addOnProductId))!;
  }

  @FieldResolver(() => Store)
  async store(@Root() addOn: StoreAddOn, @Ctx() ctx: Context): Promise<Store> {
    // With deleted rows, like StoreSubscription.storePlatform: a non-null field must not fail an ADMIN's view.
    return (await ctx.loaders.byId(Store, { withDeleted: true }).load(addOn.storeId))!;
  }
}
