import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';

import { idOf } from '../../common/global-id';
import type { Context } from '../../context';
import { Role } from '../../entities/tenancy/enums';
import { Merchant } from '../../entities/tenancy/merchant.entity';
import { Store } from '../../entities/tenancy/store.entity';
import { merchantService } from '../../services/tenancy/merchant.service';
import { type Connection, toConnection } from '../common/connection';
import { SoftDeletableResolver } from '../common/soft-deletable.resolver';
import { payload } from '../common/user-error';
import {
  CreateMerchantInput,
  CreateMerchantPayload,
  DeletePayload,
  IdInput,
  MerchantConnection,
  RestoreMerchantPayload,
} from './types/merchant.types';
import { ListArgs } from './types/store.types';

@Resolver(() => Merchant)
export class MerchantResolver extends SoftDeletableResolver(Merchant) {
  @Authorized(Role.ADMIN)
  @Query(() => MerchantConnection)
  async merchants(@Args(() => ListArgs) args: ListArgs, @Ctx() ctx: Context): Promise<Connection<Merchant>> {
    const { page, count } = await merchantService.list(ctx, args);
    return toConnection(MerchantConnection, page, count);
  }

  @Query(() => Merchant, { nullable: true })
  merchant(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Merchant | null> | null {
    const key = idOf('Merchant', id);
    return key === null ? null : merchantService.get(ctx, key);
  }

  @FieldResolver(() => String)
  contactEmail(@Root() merchant: Merchant, @Ctx() ctx: Context): Promise<string> {
    return merchantService.contactEmail(ctx, merchant);
  }

  @FieldResolver(() => [Store], { description: 'The live stores the caller may see' })
  stores(@Root() merchant: Merchant, @Ctx() ctx: Context): Promise<Store[]> {
    return ctx.loaders.childrenOf(Store, 'merchantId').load(merchant.id);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => CreateMerchantPayload)
  createMerchant(@Arg('input', () => CreateMerchantInput) input: CreateMerchantInput, @Ctx() ctx: Context) {
    return payload(() => merchantService.create(ctx, input));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => DeletePayload, { description: 'Soft-deletes the merchant, its stores and all they own' })
  deleteMerchant(@Arg('input', () => IdInput) input: IdInput, @Ctx() ctx: Context) {
    return payload(() => merchantService.delete(ctx, input.id));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => RestoreMerchantPayload, { description: 'Restores the merchant and exactly what its delete cascaded' })
  restoreMerchant(@Arg('input', () => IdInput) input: IdInput, @Ctx() ctx: Context) {
    return payload(() => merchantService.restore(ctx, input.id));
  }
}
