import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';

import { idOf } from '../../common/global-id';
import type { Context } from '../../context';
import type { LoyaltyCard } from '../../entities/loyalty/loyalty-card.entity';
import { LoyaltyProgram } from '../../entities/loyalty/loyalty-program.entity';
import { StaffPin } from '../../entities/loyalty/staff-pin.entity';
import { Merchant } from '../../entities/tenancy/merchant.entity';
import { Store } from '../../entities/tenancy/store.entity';
import { loyaltyReadsService, type ProgramStats } from '../../services/loyalty/loyalty-reads.service';
import { programService } from '../../services/loyalty/program.service';
import { type Connection, toConnection } from '../common/connection';
import { SoftDeletableResolver } from '../common/soft-deletable.resolver';
import { payload } from '../common/user-error';
import { DeletePayload, IdInput } from '../tenancy/types/merchant.types';
import {
  CreateLoyaltyProgramInput,
  CreateStaffPinInput,
  LoyaltyCardConnection,
  LoyaltyCardsArgs,
  LoyaltyProgramPayload,
  LoyaltyProgramStats,
  StaffPinPayload,
  UpdateLoyaltyProgramInput,
} from './types/program.types';

@Resolver(() => LoyaltyProgram)
export class LoyaltyProgramResolver extends SoftDeletableResolver(LoyaltyProgram) {
  @Query(() => LoyaltyProgram, { nullable: true })
  loyaltyProgram(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<LoyaltyProgram | null> | null {
    const key = idOf('LoyaltyProgram', id);
    return key === null ? null : loyaltyReadsService.program(ctx, key);
  }

  @FieldResolver(() => Merchant)
  async merchant(@Root() program: LoyaltyProgram, @Ctx() ctx: Context): Promise<Merchant> {
    const merchant = await ctx.loaders
      .byId(Merchant, { withDeleted: program.deletedAt !== null })
      .load(program.merchantId);
    return merchant!;
  }

  @FieldResolver(() => LoyaltyCardConnection, { description: 'Live cards; `search` by card number or customer email' })
  async cards(
    @Root() program: LoyaltyProgram,
    @Args(() => LoyaltyCardsArgs) args: LoyaltyCardsArgs,
    @Ctx() ctx: Context,
  ): Promise<Connection<LoyaltyCard>> {
    const { page, count } = await loyaltyReadsService.cards(ctx, program, args);
    return toConnection(LoyaltyCardConnection, page, count);
  }

  @FieldResolver(() => [StaffPin], { description: "Every PIN, inactive ones included; the merchant's owner or ADMIN" })
  staffPins(@Root() program: LoyaltyProgram, @Ctx() ctx: Context): Promise<StaffPin[]> {
    return loyaltyReadsService.staffPins(ctx, program);
  }

  @FieldResolver(() => LoyaltyProgramStats)
  stats(@Root() program: LoyaltyProgram, @Ctx() ctx: Context): Promise<ProgramStats> {
    return loyaltyReadsService.stats(ctx, program);
  }

  @Authorized()
  @Mutation(() => LoyaltyProgramPayload, { description: "The merchant's program (one live program per merchant)" })
  createLoyaltyProgram(
    @Arg('input', () => CreateLoyaltyProgramInput) input: CreateLoyaltyProgramInput,
    @Ctx() ctx: Context,
  ) {
    return payload(async () => ({ program: await programService.create(ctx, input) }));
  }

  @Authorized()
  @Mutation(() => LoyaltyProgramPayload)
  updateLoyaltyProgram(
    @Arg('input', () => UpdateLoyaltyProgramInput) input: UpdateLoyaltyProgramInput,
    @Ctx() ctx: Context,
  ) {
    return payload(async () => ({ program: await programService.update(ctx, input) }));
  }

  @Authorized()
  @Mutation(() => DeletePayload, { description: 'Soft-deletes the program and its cards' })
  deleteLoyaltyProgram(@Arg('input', () => IdInput) input: IdInput, @Ctx() ctx: Context) {
    return payload(() => programService.delete(ctx, input.id));
  }
}

@Resolver(() => Merchant)
export class MerchantLoyaltyResolver {
  @FieldResolver(() => LoyaltyProgram, { nullable: true, description: 'The live program, if any' })
  loyaltyProgram(@Root() merchant: Merchant, @Ctx() ctx: Context): Promise<LoyaltyProgram | null> {
    return loyaltyReadsService.programOfMerchant(ctx, merchant);
  }
}

@Resolver(() => StaffPin)
export class StaffPinResolver {
  @FieldResolver(() => LoyaltyProgram)
  async program(@Root() pin: StaffPin, @Ctx() ctx: Context): Promise<LoyaltyProgram> {
    const program = await ctx.loaders.byId(LoyaltyProgram, { withDeleted: true }).load(pin.programId);
    return program!;
  }

  @FieldResolver(() => Store, { nullable: true, description: 'The one store it is valid at; null = every store' })
  store(@Root() pin: StaffPin, @Ctx() ctx: Context): Promise<Store | null> | null {
    return pin.storeId === null ? null : ctx.loaders.byId(Store).load(pin.storeId);
  }

  @Authorized()
  @Mutation(() => StaffPinPayload)
  createStaffPin(@Arg('input', () => CreateStaffPinInput) input: CreateStaffPinInput, @Ctx() ctx: Context) {
    return payload(async () => ({ staffPin: await programService.createStaffPin(ctx, input) }));
  }

  @Authorized()
  @Mutation(() => StaffPinPayload, { description: 'Switches a PIN off; its digits stay taken in the program' })
  deactivateStaffPin(@Arg('input', () => IdInput) input: IdInput, @Ctx() ctx: Context) {
    return payload(async () => ({ staffPin: await programService.deactivateStaffPin(ctx, input.id) }));
  }
}
