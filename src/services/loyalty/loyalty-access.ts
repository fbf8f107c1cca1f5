import type { EntityManager } from 'typeorm';
import type { Context } from '../../context';
import { leanQuery, leanShape } from '../../db/lean';
import { DomainError, InvalidInputError, UserErrorCode, notFound } from '../../common/errors';
import { idOf } from '../../common/global-id';
import { ACCESS_STATUSES, SubscriptionStatus } from '../../entities/subscriptions/enums';
import { LoyaltyCard } from '../../entities/loyalty/loyalty-card.entity';
import { LoyaltyProgram } from '../../entities/loyalty/loyalty-program.entity';
import { LoyaltyTransaction } from '../../entities/loyalty/loyalty-transaction.entity';
import type { Store } from '../../entities/tenancy/store.entity';
import { clock } from '../clock';
import { viewerOf } from '../tenancy/scoped';
import { policy } from '../../policy/policy';

export interface CardRef {
  id?: string | null;
  cardNumber?: string | null;
  qrCodeData?: string | null;
}

/** What loyalty operations use of their store. */
export type LoyaltyStore = Pick<Store, 'id' | 'merchantId'>;

export interface LoyaltyContext {
  store: LoyaltyStore;
  /** The merchant's live program, active. */
  program: LoyaltyProgram;
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

/**
 * Where a loyalty operation runs, read in one statement and checked in this
 * order: the store in the viewer's scope (NOT_FOUND, as `findStore`),
 * an active member of the `loyalty` platform (NOT_ON_PLATFORM) with a
 * subscription that still allows access (SUBSCRIPTION_INACTIVE), and the
 * merchant's live program (NOT_FOUND) switched on (PROGRAM_INACTIVE).
 */
export async function loyaltyContextOf(ctx: Context, storeGlobalId: string): Promise<LoyaltyContext> {
  const viewer = await viewerOf(ctx);
  const id = idOf('Store', storeGlobalId);
  const programs = leanShape(ctx.manager, LoyaltyProgram);
  const [row] =
    id === null
      ? []
      : await leanQuery<{
          id: number;
          merchant_id: number;
          on_platform: boolean;
          subscription_status: SubscriptionStatus | null;
          program: Record<string, unknown> | null;
        }>(ctx.manager, LOYALTY_CONTEXT_SQL, [id]);
  const store = row && { id: row.id, merchantId: row.merchant_id };
  // Row-level security leaves out a store the caller may not see; a storefront's is seen but not the caller's to act on.
  if (!store || !policy.onStoreTeam(viewer, store)) throw notFound('Store', ['storeId']);
  if (!row.on_platform) {
    throw new DomainError(UserErrorCode.NOT_ON_PLATFORM, 'The store is not on the loyalty platform', ['storeId']);
  }
  if (!row.subscription_status || !ACCESS_STATUSES.includes(row.subscription_status)) {
    throw new DomainError(UserErrorCode.SUBSCRIPTION_INACTIVE, "The store's loyalty subscription is not active", [
      'storeId',
    ]);
  }
  const program = row.program && programs.fromJson(row.program);
  if (!program) throw notFound('Loyalty program', ['storeId']);
  if (!program.isActive) throw new DomainError(UserErrorCode.PROGRAM_INACTIVE, 'The loyalty program is inactive');
  return { store, program };
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
