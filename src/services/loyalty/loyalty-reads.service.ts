import DataLoader from 'dataloader';

import { AccessDeniedError, InvalidInputError } from '../../common/errors';
import { afterIdOf, type Listing } from '../../common/pagination';
import type { Context } from '../../context';
import { LoyaltyCard } from '../../entities/loyalty/loyalty-card.entity';
import { LoyaltyProgram } from '../../entities/loyalty/loyalty-program.entity';
import { LoyaltyTransaction } from '../../entities/loyalty/loyalty-transaction.entity';
import { StaffPin } from '../../entities/loyalty/staff-pin.entity';
import { Customer } from '../../entities/tenancy/customer.entity';
import type { Merchant } from '../../entities/tenancy/merchant.entity';
import { policy } from '../../policy/policy';
import { listPage } from '../../repositories/listing.repository';
import {
  cardKeyOf,
  cardSearchCondition,
  cardsOfProgramCondition,
  lookUpCard,
} from '../../repositories/loyalty/card.repository';
import { programStatsRows } from '../../repositories/loyalty/program.repository';
import { clock } from '../clock';
import { stampsUntilReward } from './card-rules';

export interface ProgramStats {
  members: number;
  activeCards30d: number;
  stampsIssued: number;
  stampsRedeemed: number;
  pointsIssued: number;
  pointsRedeemed: number;
  pointsVoided: number;
}

export interface PageArgs {
  first: number;
  after?: string | null;
}

const ACTIVE_WINDOW_MS = 30 * 86_400_000;

const EMPTY_STATS: ProgramStats = {
  members: 0,
  activeCards30d: 0,
  stampsIssued: 0,
  stampsRedeemed: 0,
  pointsIssued: 0,
  pointsRedeemed: 0,
  pointsVoided: 0,
};

/** Program stats for every program asked about in a request, in one statement. */
function statsLoader(ctx: Context): Promise<DataLoader<number, ProgramStats>> {
  return ctx.loaders.once('loyalty:programStats', async () => {
    return new DataLoader<number, ProgramStats>(async (programIds) => {
      const since = new Date(clock.now().getTime() - ACTIVE_WINDOW_MS);
      const rows = await programStatsRows(ctx.manager, programIds, since);
      const byProgram = new Map(
        rows.map((row) => [
          row.program_id,
          Object.fromEntries(Object.keys(EMPTY_STATS).map((k) => [k, Number(row[k])])),
        ]),
      );
      return programIds.map((id) => (byProgram.get(id) as ProgramStats | undefined) ?? EMPTY_STATS);
    });
  });
}

/**
 * Reads of programs, cards and ledgers. Row-level security shows a program,
 * its cards and their ledgers to the merchant's whole team (ADMIN, the
 * owner, team members of any of its stores); the list of staff PINs is the
 * owner's (src/policy). Reads go through the request's loaders, but for the
 * card lookup and the card search, which run one statement of their own.
 */
export const loyaltyReadsService = {
  async program(ctx: Context, id: number): Promise<LoyaltyProgram | null> {
    return ctx.loaders.byId(LoyaltyProgram).load(id);
  },

  /** The merchant's live program, null when it has none or the caller may not see the merchant. */
  async programOfMerchant(ctx: Context, merchant: Merchant): Promise<LoyaltyProgram | null> {
    const programs = await ctx.loaders.childrenOf(LoyaltyProgram, 'merchantId').load(merchant.id);
    return programs[0] ?? null;
  },

  /** A page of the program's live cards; `search` matches a card number exactly or a customer's email in any case. */
  async cards(
    ctx: Context,
    program: LoyaltyProgram,
    args: PageArgs & { search?: string | null },
  ): Promise<Listing<LoyaltyCard>> {
    const search = args.search?.trim();
    if (search) {
      const conditions = [cardsOfProgramCondition(program.id), cardSearchCondition(search)];
      return listPage(ctx.manager, LoyaltyCard, conditions, {
        first: args.first,
        after: args.after,
      });
    }
    const afterId = afterIdOf(args.after);
    const page = await ctx.loaders
      .pageOf(LoyaltyCard, 'programId')
      .load({ parentId: program.id, first: args.first, afterId });
    return { page, count: () => ctx.loaders.countOf(LoyaltyCard, 'programId').load({ parentId: program.id }) };
  },

  /** Every PIN of the program, inactive ones included; ADMIN and the owner only. */
  async staffPins(ctx: Context, program: LoyaltyProgram): Promise<StaffPin[]> {
    if (!policy.managesMerchant(await ctx.viewer(), program.merchantId)) {
      throw new AccessDeniedError("Only the merchant's owner or ADMIN may see staff PINs");
    }
    return ctx.loaders.childrenOf(StaffPin, 'programId').load(program.id);
  },

  async stats(ctx: Context, program: LoyaltyProgram): Promise<ProgramStats> {
    return (await statsLoader(ctx)).load(program.id);
  },

  /** A live card by exactly one of its number or QR data; null when missing or outside the caller's scope. */
  async card(
    ctx: Context,
    ref: { cardNumber?: string | null; qrCodeData?: string | null },
  ): Promise<LoyaltyCard | null> {
    const key = cardKeyOf({ cardNumber: ref.cardNumber, qrCodeData: ref.qrCodeData });
    if (!key) throw new InvalidInputError('Give exactly one of cardNumber or qrCodeData', 'cardNumber');
    // Row-level security keeps cards of merchants the caller may not see out of the result.
    const found = await lookUpCard(ctx.manager, key);
    if (!found) return null;
    // The card's program and customer come with it: resolving them needs no further statement.
    // Live rows only, as the loaders they prime read them.
    ctx.loaders.byId(LoyaltyProgram).prime(found.card.programId, found.program);
    ctx.loaders.byId(Customer).prime(found.card.customerId, found.customer);
    return found.card;
  },

  /** Stamps still needed for the next reward; null when the program has no stamps. */
  async stampsUntilReward(ctx: Context, card: LoyaltyCard): Promise<number | null> {
    const program = await ctx.loaders
      .byId(LoyaltyProgram, { withDeleted: card.deletedAt !== null })
      .load(card.programId);
    return program ? stampsUntilReward(program, card) : null;
  },

  /** The card's ledger, oldest first (keyset on the ascending id, like every connection). */
  async transactions(ctx: Context, card: LoyaltyCard, args: PageArgs): Promise<Listing<LoyaltyTransaction>> {
    const afterId = afterIdOf(args.after);
    const page = await ctx.loaders
      .pageOf(LoyaltyTransaction, 'cardId')
      .load({ parentId: card.id, first: args.first, afterId });
    return { page, count: () => ctx.loaders.countOf(LoyaltyTransaction, 'cardId').load({ parentId: card.id }) };
  },

  /** The customer's live cards the caller may see. */
  cardsOfCustomer(ctx: Context, customer: Customer): Promise<LoyaltyCard[]> {
    return ctx.loaders.childrenOf(LoyaltyCard, 'customerId').load(customer.id);
  },
};
