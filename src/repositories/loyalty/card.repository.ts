import type { EntityManager } from 'typeorm';

import { idOf } from '../../common/global-id';
import { leanQuery, leanShape } from '../../db/lean';
import { LoyaltyCard } from '../../entities/loyalty/loyalty-card.entity';
import { LoyaltyProgram } from '../../entities/loyalty/loyalty-program.entity';
import { Customer } from '../../entities/tenancy/customer.entity';
import type { Condition } from '../listing.repository';

/**
 * The reads of loyalty cards: the key a caller's reference names a card by
 * (`cardKeyOf`, which the counter operations' locked lookup in
 * `loyalty_counter_operation` takes too), the `loyaltyCard` query's lookup,
 * a customer's card and the card search's condition. Writes of a card and its ledger are
 * in `card-ledger.repository.ts`. Row-level security applies to all of them
 * (they run in the request's transaction).
 */

/** A card as an operation names it: exactly one of its global ID, its number or its QR data. */
export interface CardRef {
  id?: string | null;
  cardNumber?: string | null;
  qrCodeData?: string | null;
}

/** The columns a card is looked up by. */
type CardKeyColumn = 'id' | 'card_number' | 'qr_code_data';

/** What a card is looked up by: a column of `loyalty_cards` and its value. */
export type CardKey = { column: 'id'; value: number } | { column: 'card_number' | 'qr_code_data'; value: string };

/**
 * The key `ref` looks its card up by: undefined when it gives not exactly one
 * of id, card number and QR data (an empty string is not given), null when
 * its id is not a card's global ID.
 */
export function cardKeyOf(ref: CardRef): CardKey | null | undefined {
  const given = [ref.id, ref.cardNumber, ref.qrCodeData].filter((v) => v != null && v !== '');
  if (given.length !== 1) return undefined;
  if (ref.id) {
    const id = idOf('LoyaltyCard', ref.id);
    return id === null ? null : { column: 'id', value: id };
  }
  return ref.cardNumber
    ? { column: 'card_number', value: ref.cardNumber }
    : { column: 'qr_code_data', value: ref.qrCodeData! };
}

/** How a statement of the card lookup reads the card it finds. */
interface CardLookup {
  /** The statement's columns, over the card `c` and the joined rows. */
  select: string;
  /** Rows joined to the card for the columns. */
  joins?: string;
}

/**
 * The card lookup: the live card `c` whose key `column` is $1, in scope (what
 * row-level security lets the caller see), read as `select` says. A counter
 * operation's locked lookup (of its merchant's cards only) is in
 * `loyalty_counter_operation` (card-ledger.repository.ts), by the same key.
 */
function cardLookupSql(column: CardKeyColumn, lookup: CardLookup): string {
  return `SELECT ${lookup.select}
     FROM loyalty_cards c ${lookup.joins ?? ''}
    WHERE c.${column} = $1 AND c.deleted_at IS NULL`;
}

/** A card lookup's statement for each key column, built once, not per request. */
function perColumn(lookup: CardLookup): Record<CardKeyColumn, string> {
  return {
    id: cardLookupSql('id', lookup),
    card_number: cardLookupSql('card_number', lookup),
    qr_code_data: cardLookupSql('qr_code_data', lookup),
  };
}

/** The `loyaltyCard` query's card, with its live program and customer (null ones when deleted). */
const LOOK_UP_CARD_SQL = perColumn({
  select: 'to_json(c) AS card, to_json(p) AS program, to_json(cu) AS customer',
  joins: `
     LEFT JOIN loyalty_programs p ON p.id = c.program_id AND p.deleted_at IS NULL
     LEFT JOIN customers cu ON cu.id = c.customer_id AND cu.deleted_at IS NULL`,
});

/** A live card the caller may see by `key`, with its live program and customer (null ones when deleted). */
export async function lookUpCard(manager: EntityManager, key: CardKey) {
  type Json = Record<string, unknown>;
  const [row] = await leanQuery<{ card: Json; program: Json | null; customer: Json | null }>(
    manager,
    LOOK_UP_CARD_SQL[key.column],
    [key.value],
  );
  if (!row) return null;
  return {
    card: leanShape(manager, LoyaltyCard).fromJson(row.card),
    program: row.program && leanShape(manager, LoyaltyProgram).fromJson(row.program),
    customer: row.customer && leanShape(manager, Customer).fromJson(row.customer),
  };
}

/** The condition on a listed card `t` of being one of the program's. */
export const cardsOfProgramCondition = (programId: number): Condition => ['t.program_id = $?', programId];

/** The card search's condition on a listed card `t`: its number exactly, or its live customer's e-mail in any case. */
export const cardSearchCondition = (search: string): Condition => [
  `t.card_number = $? OR EXISTS (
     SELECT 1 FROM customers c
      WHERE c.id = t.customer_id AND c.deleted_at IS NULL AND lower(c.email) = lower($?))`,
  search,
  search,
];

/** The live card of `customerId` in `merchantId`'s program, if they have one. */
export function cardOfCustomer(em: EntityManager, merchantId: number, customerId: number): Promise<LoyaltyCard | null> {
  return em.findOne(LoyaltyCard, { where: { merchantId, customerId } });
}
