import { GraphQLURL } from 'graphql-scalars';
import { Args, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';

import type { Context } from '../../context';
import { LoyaltyCard } from '../../entities/loyalty/loyalty-card.entity';
import { LoyaltyProgram } from '../../entities/loyalty/loyalty-program.entity';
import { LoyaltyTransaction } from '../../entities/loyalty/loyalty-transaction.entity';
import { Customer } from '../../entities/tenancy/customer.entity';
import { Merchant } from '../../entities/tenancy/merchant.entity';
import { Store } from '../../entities/tenancy/store.entity';
import { loyaltyReadsService } from '../../services/loyalty/loyalty-reads.service';
import { storeService } from '../../services/tenancy/store.service';
import { type Connection, ConnectionArgs, toConnection } from '../common/connection';
import { SoftDeletableResolver } from '../common/soft-deletable.resolver';
import { LoyaltyCardLookupArgs, LoyaltyTransactionConnection } from './types/program.types';

@Resolver(() => LoyaltyCard)
export class LoyaltyCardResolver extends SoftDeletableResolver(LoyaltyCard) {
  @Query(() => LoyaltyCard, {
    nullable: true,
    description: 'A card by exactly one of its number or QR data; null outside your merchants',
  })
  loyaltyCard(@Args(() => LoyaltyCardLookupArgs) args: LoyaltyCardLookupArgs, @Ctx() ctx: Context) {
    return loyaltyReadsService.card(ctx, args);
  }

  @FieldResolver(() => LoyaltyProgram)
  async program(@Root() card: LoyaltyCard, @Ctx() ctx: Context): Promise<LoyaltyProgram> {
    const program = await ctx.loaders
      .byId(LoyaltyProgram, { withDeleted: card.deletedAt !== null })
      .load(card.programId);
    return program!;
  }

  @FieldResolver(() => Merchant)
  async merchant(@Root() card: LoyaltyCard, @Ctx() ctx: Context): Promise<Merchant> {
    const merchant = await ctx.loaders.byId(Merchant, { withDeleted: card.deletedAt !== null }).load(card.merchantId);
    return merchant!;
  }

  @FieldResolver(() => Customer, { nullable: true, description: 'Null once the customer is deleted (with its store)' })
  customer(@Root() card: LoyaltyCard, @Ctx() ctx: Context): Promise<Customer | null> {
    return ctx.loaders.byId(Customer).load(card.customerId);
  }

  @FieldResolver(() => Store, {
    nullable: true,
    description: 'Where the customer enrolled; null when that store is outside your scope',
  })
  enrolledAtStore(@Root() card: LoyaltyCard, @Ctx() ctx: Context): Promise<Store | null> | null {
    return card.enrolledAtStoreId === null ? null : storeService.get(ctx, card.enrolledAtStoreId);
  }

  @FieldResolver(() => Int, { nullable: true, description: 'Stamps still needed for a reward; null without stamps' })
  stampsUntilReward(@Root() card: LoyaltyCard, @Ctx() ctx: Context): Promise<number | null> {
    return loyaltyReadsService.stampsUntilReward(ctx, card);
  }

  @FieldResolver(() => LoyaltyTransactionConnection, { description: 'The ledger, oldest first' })
  async transactions(
    @Root() card: LoyaltyCard,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() ctx: Context,
  ): Promise<Connection<LoyaltyTransaction>> {
    const { page, count } = await loyaltyReadsService.transactions(ctx, card, args);
    return toConnection(LoyaltyTransactionConnection, page, count);
  }

  @FieldResolver(() => GraphQLURL, { nullable: true, description: 'Null while Google Wallet is not configured' })
  googleWalletSaveUrl(): null {
    return null;
  }
}

@Resolver(() => LoyaltyTransaction)
export class LoyaltyTransactionResolver {
  @FieldResolver(() => LoyaltyCard)
  async card(@Root() transaction: LoyaltyTransaction, @Ctx() ctx: Context): Promise<LoyaltyCard> {
    const card = await ctx.loaders.byId(LoyaltyCard, { withDeleted: true }).load(transaction.cardId);
    return card!;
  }

  @FieldResolver(() => Store, {
    nullable: true,
    description: 'Where it happened; null when that store is outside your scope (the card serves every store)',
  })
  store(@Root() transaction: LoyaltyTransaction, @Ctx() ctx: Context): Promise<Store | null> | null {
    return transaction.storeId === null ? null : storeService.get(ctx, transaction.storeId);
  }

  @FieldResolver(() => LoyaltyTransaction, {
    nullable: true,
    description: 'The earning a void reversed, or the row this one answers',
  })
  relatedTransaction(
    @Root() transaction: LoyaltyTransaction,
    @Ctx() ctx: Context,
  ): Promise<LoyaltyTransaction | null> | null {
    return transaction.relatedTransactionId === null
      ? null
      : ctx.loaders.byId(LoyaltyTransaction).load(transaction.relatedTransactionId);
  }
}

@Resolver(() => Customer)
export class CustomerLoyaltyResolver {
  @FieldResolver(() => [LoyaltyCard], { description: 'Live cards of this customer' })
  loyaltyCards(@Root() customer: Customer, @Ctx() ctx: Context): Promise<LoyaltyCard[]> {
    return loyaltyReadsService.cardsOfCustomer(ctx, customer);
  }
}
