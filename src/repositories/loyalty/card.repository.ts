import type { EntityManager } from 'typeorm';

import { InvalidInputError, notFound } from '../../common/errors';
import { idOf } from '../../common/global-id';
import { leanQuery, leanShape } from '../../db/lean';
import { type LoyaltyTransactionType } from '../../entities/loyalty/enums';
import { LoyaltyCard } from '../../entities/loyalty/loyalty-card.entity';
import { LoyaltyProgram } from '../../entities/loyalty/loyalty-program.entity';
import { LoyaltyTransaction } from '../../entities/loyalty/loyalty-transaction.entity';
import { Customer } from '../../entities/tenancy/customer.entity';
import { clock } from '../../services/clock';
import type { Condition } from '../listing.repository';

/**
 * The reads of loyalty cards: the one card lookup (by id, card number or QR
 * data, in scope) that both the counter operations' locked read and the
 * `loyaltyCard` query build on, an earning of a card's ledger, a customer's
 * card and the card search's condition. Writes of a card and its ledger are
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
  /** Only a card of the merchant $2 (a counter operation's): else row-level security alone decides the scope. */
  ofMerchant?: boolean;
  /** Row-lock the card for a change. */
  lock?: boolean;
}

/**
 * The one card lookup: the live card `c` whose key `column` is $1, in scope
 * (what row-level security lets the caller see; with `ofMerchant`, of the
 * merchant $2 only), read as `select` says, locked when `lock` says. Every
 * statement that finds a card by what a caller gave is built here.
 */
function cardLookupSql(column: CardKeyColumn, lookup: CardLookup): string {
  const scope = lookup.ofMerchant ? ' AND c.merchant_id = $2' : '';
  return `SELECT ${lookup.select}
     FROM loyalty_cards c ${lookup.joins ?? ''}
    WHERE c.${column} = $1 AND c.deleted_at IS NULL${scope}${lookup.lock ? ' FOR UPDATE OF c' : ''}`;
}

/** A card lookup's statement for each key column, built once, not per request. */
function perColumn(lookup: CardLookup): Record<CardKeyColumn, string> {
  return {
    id: cardLookupSql('id', lookup),
    card_number: cardLookupSql('card_number', lookup),
    qr_code_data: cardLookupSql('qr_code_data', lookup),
  };
}

/** What an operation needs from the locked card's ledger. */
export interface LedgerQuestions {
  /** Find the ledger row of this idempotency key, if the card has one. */
  idempotencyKey?: string | null;
  /** Count the stamps the card was given today. */
  stampsToday?: boolean;
}

export interface LockedCard {
  card: LoyaltyCard;
  /** The operation's time, read once the card is locked. */
  now: Date;
  /** The first transaction of a repeated idempotency key. */
  replay: LoyaltyTransaction | null;
  /** Stamps given to the card since the start of `now`'s day in the merchant's time zone (0 unless asked). */
  stampsToday: number;
}

/**
 * The ledger's answers about card `c`: the row of idempotency key $3 as JSON,
 * and, when $4 (a time) is given, the card's STAMP_EARNED rows since the
 * start of that time's day in the merchant's time zone, with the day's end.
 */
const LEDGER_ANSWERS = `
  (SELECT to_jsonb(t) FROM loyalty_transactions t WHERE t.card_id = c.id AND t.idempotency_key = $3) AS replay,
  CASE WHEN day.starts IS NOT NULL THEN
    (SELECT count(*)::int FROM loyalty_transactions t
      WHERE t.card_id = c.id AND t.type = 'STAMP_EARNED' AND t.created_at >= day.starts)
  END AS stamps_today,
  day.ends AS day_ends`;
const MERCHANT_DAY = `
  LEFT JOIN LATERAL (
        SELECT date_trunc('day', $4::timestamptz AT TIME ZONE m.time_zone) AT TIME ZONE m.time_zone AS starts,
               (date_trunc('day', $4::timestamptz AT TIME ZONE m.time_zone) + interval '1 day')
                 AT TIME ZONE m.time_zone AS ends
          FROM merchants m
         WHERE m.id = c.merchant_id AND $4::timestamptz IS NOT NULL) day ON true`;

type LedgerAnswers = {
  replay: Record<string, unknown> | null;
  stamps_today: number | null;
  day_ends: Date | null;
};

/**
 * A counter operation's card, locked, with the ledger's answers. The ledger
 * subselects read the statement's snapshot, taken before the row lock is
 * granted. When another transaction changed the card (and wrote its ledger
 * row) in between, PostgreSQL locks and returns the card's newest version,
 * but the subselects still miss that ledger row; then `answers_current` is
 * false: the locked row is not the version the snapshot sees.
 */
const LOCK_CARD_SQL = perColumn({
  select: `to_json(c) AS card, ${LEDGER_ANSWERS},
           c.xmin = (SELECT v.xmin FROM loyalty_cards v WHERE v.id = c.id) AS answers_current`,
  joins: MERCHANT_DAY,
  ofMerchant: true,
  lock: true,
});

/** The ledger's answers asked again about the card already locked, by its id. */
const LEDGER_ANSWERS_SQL = cardLookupSql('id', { select: LEDGER_ANSWERS, joins: MERCHANT_DAY, ofMerchant: true });

/**
 * Finds a live card of `merchantId` by exactly one of id, card number or QR
 * data, locked for the change, with the ledger's answers to the operation's
 * questions, in one statement.
 */
export async function lockCard(
  em: EntityManager,
  merchantId: number,
  ref: CardRef,
  questions: LedgerQuestions = {},
): Promise<LockedCard> {
  const key = cardKeyOf(ref);
  if (key === undefined) throw new InvalidInputError('Give exactly one of id, cardNumber or qrCodeData', 'card');
  if (key === null) throw notFound('Card', ['card']);
  const idempotencyKey = questions.idempotencyKey ?? null;
  const dayOf = (time: Date): Date | null => (questions.stampsToday ? time : null);

  const [row] = await leanQuery<LedgerAnswers & { card: Record<string, unknown>; answers_current: boolean | null }>(
    em,
    LOCK_CARD_SQL[key.column],
    [key.value, merchantId, idempotencyKey, dayOf(clock.now())],
  );
  if (!row) throw notFound('Card', ['card']);
  const card = leanShape(em, LoyaltyCard).fromJson(row.card);
  const now = clock.now();
  let answers: LedgerAnswers = row;
  // Ask again, the card locked, when the answers may be stale or today's
  // stamps were counted for a day that ended before `now`.
  const asked = idempotencyKey !== null || !!questions.stampsToday;
  if (asked && (!row.answers_current || (row.day_ends && now >= row.day_ends))) {
    [answers] = await leanQuery<LedgerAnswers>(em, LEDGER_ANSWERS_SQL, [
      card.id,
      merchantId,
      idempotencyKey,
      dayOf(now),
    ]);
  }
  return {
    card,
    now,
    replay: answers.replay && leanShape(em, LoyaltyTransaction).fromJson(answers.replay),
    stampsToday: answers.stamps_today ?? 0,
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

/** Ledger row `id` of card `cardId`: its type, points and whether a void already points at it. */
export async function earningOfCard(em: EntityManager, id: number, cardId: number) {
  const [row] = await leanQuery<{ type: LoyaltyTransactionType; points_delta: number; voided: boolean }>(
    em,
    `SELECT t.type, t.points_delta,
            EXISTS (SELECT 1 FROM loyalty_transactions v
                     WHERE v.related_transaction_id = t.id AND v.type = 'POINTS_VOIDED') AS voided
       FROM loyalty_transactions t WHERE t.id = $1 AND t.card_id = $2`,
    [id, cardId],
  );
  return row && { type: row.type, pointsDelta: row.points_delta, voided: row.voided };
}

/** The live card of `customerId` in `merchantId`'s program, if they have one. */
export function cardOfCustomer(em: EntityManager, merchantId: number, customerId: number): Promise<LoyaltyCard | null> {
  return em.findOne(LoyaltyCard, { where: { merchantId, customerId } });
}
