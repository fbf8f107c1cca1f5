import type { EntityManager } from 'typeorm';
import { leanQuery, leanShape } from '../../db/lean';
import { InvalidInputError, notFound } from '../../common/errors';
import { idOf } from '../../common/global-id';
import type { SubscriptionStatus } from '../../entities/subscriptions/enums';
import { type LoyaltyTransactionType } from '../../entities/loyalty/enums';
import { LoyaltyCard } from '../../entities/loyalty/loyalty-card.entity';
import { LoyaltyProgram } from '../../entities/loyalty/loyalty-program.entity';
import { LoyaltyTransaction } from '../../entities/loyalty/loyalty-transaction.entity';
import { Customer } from '../../entities/tenancy/customer.entity';
import { clock } from '../../services/clock';

/**
 * The loyalty services' reads and locks: the loyalty context of a store, the
 * card lookup, the locked card with its ledger's answers, program stats, the
 * card search and the customer an enrolment is for. Writes of a card and its
 * ledger are in `card-ledger.repository.ts`, a store's PIN lockout in
 * `staff-pin.repository.ts`. Row-level security applies to all of them (they
 * run in the request's transaction): none filters by tenant.
 */

export interface CardRef {
  id?: string | null;
  cardNumber?: string | null;
  qrCodeData?: string | null;
}

/**
 * The live store by id, its membership of the `loyalty` platform (active and
 * live) with its subscription's status, and its merchant's live program as
 * JSON (no row when the store is missing or deleted).
 */
const LOYALTY_CONTEXT_SQL = `
  SELECT s.id, s.merchant_id, membership.id IS NOT NULL AS on_platform,
         membership.status AS subscription_status, to_json(p) AS program
    FROM stores s
    LEFT JOIN LATERAL (
          SELECT sp.id, sub.status FROM store_platforms sp
            JOIN platforms pl ON pl.id = sp.platform_id AND pl.code = 'loyalty'
            LEFT JOIN store_subscriptions sub ON sub.store_platform_id = sp.id
           WHERE sp.store_id = s.id AND sp.deleted_at IS NULL AND sp.is_active
           LIMIT 1) membership ON true
    LEFT JOIN loyalty_programs p ON p.merchant_id = s.merchant_id AND p.deleted_at IS NULL
   WHERE s.id = $1 AND s.deleted_at IS NULL`;

/** The loyalty context of the live store `storeId` (undefined: no such store in reach). */
export async function loyaltyContextRow(manager: EntityManager, storeId: number) {
  const [row] = await leanQuery<{
    id: number;
    merchant_id: number;
    on_platform: boolean;
    subscription_status: SubscriptionStatus | null;
    program: Record<string, unknown> | null;
  }>(manager, LOYALTY_CONTEXT_SQL, [storeId]);
  if (!row) return undefined;
  return { ...row, program: row.program && leanShape(manager, LoyaltyProgram).fromJson(row.program) };
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

const CARD_KEY_COLUMN = { id: 'c.id', cardNumber: 'c.card_number', qrCodeData: 'c.qr_code_data' } as const;

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
  const given = [ref.id, ref.cardNumber, ref.qrCodeData].filter((v) => v != null && v !== '');
  if (given.length !== 1) throw new InvalidInputError('Give exactly one of id, cardNumber or qrCodeData', 'card');
  const id = ref.id ? idOf('LoyaltyCard', ref.id) : undefined;
  if (id === null) throw notFound('Card', ['card']);
  const [key, value] =
    id !== undefined
      ? (['id', id] as const)
      : ref.cardNumber
        ? (['cardNumber', ref.cardNumber] as const)
        : (['qrCodeData', ref.qrCodeData!] as const);
  const idempotencyKey = questions.idempotencyKey ?? null;
  const dayOf = (time: Date): Date | null => (questions.stampsToday ? time : null);
  const cards = leanShape(em, LoyaltyCard);

  // The ledger subselects read the statement's snapshot, taken before the
  // row lock is granted. When another transaction changed the card (and
  // wrote its ledger row) in between, PostgreSQL locks and returns the card's
  // newest version, but the subselects still miss that ledger row; then
  // `answers_current` is false: the locked row is not the version the
  // snapshot sees.
  const [row] = await leanQuery<LedgerAnswers & { card: Record<string, unknown>; answers_current: boolean | null }>(
    em,
    `SELECT to_json(c) AS card, ${LEDGER_ANSWERS},
            c.xmin = (SELECT v.xmin FROM loyalty_cards v WHERE v.id = c.id) AS answers_current
       FROM loyalty_cards c ${MERCHANT_DAY}
      WHERE ${CARD_KEY_COLUMN[key]} = $1 AND c.merchant_id = $2 AND c.deleted_at IS NULL
        FOR UPDATE OF c`,
    [value, merchantId, idempotencyKey, dayOf(clock.now())],
  );
  if (!row) throw notFound('Card', ['card']);
  const card = cards.fromJson(row.card);
  const now = clock.now();
  let answers: LedgerAnswers = row;
  // Ask again, the card locked, when the answers may be stale or today's
  // stamps were counted for a day that ended before `now`.
  const asked = idempotencyKey !== null || !!questions.stampsToday;
  if (asked && (!row.answers_current || (row.day_ends && now >= row.day_ends))) {
    [answers] = await leanQuery<LedgerAnswers>(
      em,
      `SELECT ${LEDGER_ANSWERS} FROM loyalty_cards c ${MERCHANT_DAY} WHERE c.id = $1 AND c.merchant_id = $2`,
      [card.id, merchantId, idempotencyKey, dayOf(now)],
    );
  }
  return {
    card,
    now,
    replay: answers.replay && leanShape(em, LoyaltyTransaction).fromJson(answers.replay),
    stampsToday: answers.stamps_today ?? 0,
  };
}

/** The card lookup's statement by the column looked up: built once, not per request. */
const cardLookupSql = (column: 'card_number' | 'qr_code_data') =>
  `SELECT to_json(c) AS card, to_json(p) AS program, to_json(cu) AS customer
     FROM loyalty_cards c
     LEFT JOIN loyalty_programs p ON p.id = c.program_id AND p.deleted_at IS NULL
     LEFT JOIN customers cu ON cu.id = c.customer_id AND cu.deleted_at IS NULL
    WHERE c.${column} = $1 AND c.deleted_at IS NULL`;
const CARD_LOOKUP_SQL = { card_number: cardLookupSql('card_number'), qr_code_data: cardLookupSql('qr_code_data') };

/** A live card by its number or QR data, with its live program and customer (null ones when deleted). */
export async function lookUpCard(manager: EntityManager, column: 'card_number' | 'qr_code_data', value: string) {
  type Json = Record<string, unknown>;
  const [row] = await leanQuery<{ card: Json; program: Json | null; customer: Json | null }>(
    manager,
    CARD_LOOKUP_SQL[column],
    [value],
  );
  if (!row) return null;
  return {
    card: leanShape(manager, LoyaltyCard).fromJson(row.card),
    program: row.program && leanShape(manager, LoyaltyProgram).fromJson(row.program),
    customer: row.customer && leanShape(manager, Customer).fromJson(row.customer),
  };
}

/** Per program of `programIds`, the counters of its live cards (cards active since `since` counted apart). */
export async function programStatsRows(manager: EntityManager, programIds: readonly number[], since: Date) {
  return (await manager.query(
    `SELECT program_id,
            count(*) AS "members",
            count(*) FILTER (WHERE last_activity_at >= $2) AS "activeCards30d",
            coalesce(sum(total_stamps_earned), 0) AS "stampsIssued",
            coalesce(sum(stamps_redeemed), 0) AS "stampsRedeemed",
            coalesce(sum(total_points_earned), 0) AS "pointsIssued",
            coalesce(sum(points_redeemed), 0) AS "pointsRedeemed",
            coalesce(sum(total_points_voided), 0) AS "pointsVoided"
       FROM loyalty_cards
      WHERE program_id = ANY($1::int[]) AND deleted_at IS NULL
      GROUP BY program_id`,
    [programIds, since],
  )) as Array<Record<string, string> & { program_id: number }>;
}

/** The card search's condition on a listed card `t`: its number exactly, or its live customer's e-mail in any case. */
export const cardSearchCondition = (search: string): [string, ...unknown[]] => [
  `t.card_number = $? OR EXISTS (
     SELECT 1 FROM customers c
      WHERE c.id = t.customer_id AND c.deleted_at IS NULL AND lower(c.email) = lower($?))`,
  search,
  search,
];

/** The live customer `id` of a live store of `merchantId`, locked (null when none, or out of the caller's reach). */
export function lockMerchantCustomer(em: EntityManager, id: number, merchantId: number): Promise<Customer | null> {
  return em
    .createQueryBuilder(Customer, 'customer')
    .innerJoin('stores', 's', 's.id = customer.store_id AND s.deleted_at IS NULL')
    .where('customer.id = :id AND s.merchant_id = :merchantId', { id, merchantId })
    .setLock('pessimistic_write', undefined, ['customer'])
    .getOne();
}

/** The live customer of `storeId` with `email` (lower case), made if missing, locked. */
export async function lockStoreCustomerByEmail(
  em: EntityManager,
  storeId: number,
  customer: { email: string; name?: string | null; phone?: string | null },
): Promise<Customer> {
  await em.query(
    `INSERT INTO customers (store_id, email, name, phone) VALUES ($1, $2, $3, $4)
     ON CONFLICT (store_id, email) WHERE deleted_at IS NULL DO NOTHING`,
    [storeId, customer.email, customer.name ?? null, customer.phone ?? null],
  );
  return em.findOneOrFail(Customer, { where: { storeId, email: customer.email }, lock: { mode: 'pessimistic_write' } });
}

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
