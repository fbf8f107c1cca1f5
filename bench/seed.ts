/**
 * Bench data: `DATABASE_URL=postgres://… npm run seed:bench [-- --fresh]`
 *
 * Runs the project's own migrations on DATABASE_URL, then fills the database
 * with set-based SQL (INSERT … SELECT over generate_series, one transaction,
 * no ORM insert per row) and ANALYZEs it. `--fresh` first drops and recreates
 * that database (through the `postgres` maintenance database); without it the
 * seed refuses a database that already has merchants.
 *
 * Deterministic: every choice comes from generate_series arithmetic or from
 * md5 of a fixed key (`rnd('stamps:' || i)`), never from Math.random. All
 * timestamps are offsets from one instant `t0` read once at the start, so two
 * runs give the same rows apart from that shift. Ids come from the tables' own
 * sequences (nextval), so later inserts by the app keep working.
 *
 * The data set (issue 5, "Bench data"):
 * - users: one MERCHANT_OWNER per merchant, `owner{n}@bench.orion.lu`, all with
 *   one argon2id hash of `bench-password` computed once (the app's parameters,
 *   a fixed salt so reruns store the same hash); plus the ADMIN
 *   `admin@bench.orion.lu` (same password) unless a live ADMIN already exists.
 * - 2,000 merchants; merchant n has 1 + ((n * 7) % 9) stores: 10,004 stores.
 * - memberships: every store on `oms` (its primary, as the first membership
 *   the app makes); its first store and ~75% of the others also on `loyalty`
 *   (~80% overall, ~18,000 memberships), each with an ACTIVE store
 *   subscription on essential/professional/business, period t0 .. t0 + 1 month,
 *   and the same tier on the membership.
 * - one HYBRID loyalty program per merchant: no staff PIN, no cooldown, 1,000,000
 *   stamps a day, 10 stamps per reward, points catalogue [coffee: 100 points],
 *   100 points minimum redemption, no welcome bonus.
 * - customers and cards. The issue asks for 50,000 customers and 200,000 cards,
 *   but a customer row belongs to one store (so one merchant) and a merchant has
 *   one live card per customer (uq_loyalty_cards_merchant_customer_live), so 50,000
 *   customer rows cannot hold 200,000 live cards. Reading kept here: 50,000
 *   customers are 50,000 *people* (`customer{p}@bench.orion.lu`), each a shopper
 *   of 4 different merchants — the app records a person once per store they shop
 *   at — hence 200,000 customer rows (4 per person, ~100 per merchant, spread over
 *   the merchant's stores) and one card per customer row: 200,000 cards.
 * - cards: number `XXXX-XXXX-XXXX` = 12 digits of (i * 618033988749 + 141421356237)
 *   mod 10^12 for card index i (a bijection, so unique), QR data `BQ` + index +
 *   md5 (unique by its prefix), enrolled at the customer's store when it is on
 *   `loyalty`, else at the merchant's first store (always on `loyalty`).
 * - ledgers: every card has a WELCOME_BONUS row (0 points), then 0–3 STAMP_EARNED
 *   rows and 0–2 POINTS_EARNED rows (purchases of €5–€99.99, 1 point per euro),
 *   one day apart, with running stamps_after / points_after; the card's balances
 *   and totals are the sums of its ledger (checked at the end).
 * - soft deletes, stamped the way the app's cascade stamps them (one deleted_at
 *   for the row and everything its delete cascaded to): ~3% of merchants (their
 *   stores, memberships, customers, program and cards carry the merchant's
 *   deleted_at); ~1% of the other stores except each merchant's first (their
 *   memberships and customers — not cards, as in the app, where a card belongs to
 *   the merchant's program — carry the store's); ~1% of the other cards. In all
 *   about 3.5–4% of stores and of cards are deleted. So ~1,300 live cards have a
 *   customer deleted with its store (the API answers `customer: null` for them).
 *   Owner users stay live, as the app leaves them. Subscriptions are not
 *   soft-deletable and stay.
 */
import 'reflect-metadata';

import { hash } from '@node-rs/argon2';
import { Client } from 'pg';

import { createDataSource } from '../src/db/data-source';

export const BENCH_PASSWORD = 'bench-password';
export const BENCH_ADMIN_EMAIL = 'admin@bench.orion.lu';
export const benchOwnerEmail = (n: number): string => `owner${n}@bench.orion.lu`;

const MERCHANTS = 2000;
const PEOPLE = 50_000;
const MERCHANTS_PER_PERSON = 4;
const CARDS = PEOPLE * MERCHANTS_PER_PERSON;

/** A deterministic pseudo-random non-negative bigint from md5 of a SQL text expression. */
const rnd = (key: string): string => `(('x' || substr(md5(${key}), 1, 15))::bit(60)::bigint)`;

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

const fmt = (n: number): string => n.toLocaleString('en-US');

/** Drops and recreates the database of `url`, connected to the `postgres` maintenance database. */
async function recreateDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!name || ['postgres', 'template0', 'template1'].includes(name)) {
    throw new Error(`--fresh refuses to drop the database "${name || '(none)'}"; name a dedicated bench database`);
  }
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const client = new Client({ connectionString: maintenance.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${quoteIdent(name)}`);
  } finally {
    await client.end();
  }
}

export interface SeedResult {
  ownerEmail: string;
  adminEmail: string;
  adminCreated: boolean;
  cardNumber: string;
  storeId: number;
}

/** Seeds `url` (see the header); logs progress through `log`. */
export async function seedBench(
  url: string,
  options: { fresh?: boolean; log?: (line: string) => void } = {},
): Promise<SeedResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const started = Date.now();
  let stepStarted = Date.now();
  const step = (label: string, rows?: number | null): void => {
    const now = Date.now();
    const count = rows == null ? '' : `${fmt(rows)} rows`;
    log(`  ${label.padEnd(34)} ${count.padStart(14)} ${`${fmt(now - stepStarted)} ms`.padStart(10)}`);
    stepStarted = now;
  };

  if (options.fresh) {
    await recreateDatabase(url);
    step('drop and recreate database');
  }

  const dataSource = createDataSource(url, { poolSize: 2 });
  await dataSource.initialize();
  try {
    const ran = await dataSource.runMigrations();
    step(`migrations (${ran.length} run now)`);
  } finally {
    await dataSource.destroy();
  }

  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const [{ merchants }] = (await client.query(`SELECT count(*)::int AS merchants FROM merchants`)).rows;
    if (merchants > 0) {
      throw new Error(
        `the database already has ${fmt(merchants)} merchants; seed an empty database, or pass --fresh to drop and recreate it`,
      );
    }

    // The app's argon2id parameters (the library defaults, as hashPassword uses) with a fixed salt, so
    // reruns store the same hash; verifyPassword reads the parameters and salt from the hash itself.
    const passwordHash = await hash(BENCH_PASSWORD, { salt: Buffer.from('orion-bench-salt') });
    step('argon2id hash of the bench password');

    const seq = async (table: string): Promise<string> => {
      const [{ name }] = (await client.query(`SELECT pg_get_serial_sequence($1, 'id') AS name`, [table])).rows;
      return `nextval('${name}'::regclass)::int`;
    };
    const next = {
      users: await seq('users'),
      merchants: await seq('merchants'),
      stores: await seq('stores'),
      storePlatforms: await seq('store_platforms'),
      customers: await seq('customers'),
      cards: await seq('loyalty_cards'),
    };

    await client.query('BEGIN');
    await client.query(`SET LOCAL synchronous_commit = off`);
    await client.query(`SET LOCAL work_mem = '128MB'`);
    const [{ t0 }] = (await client.query(`SELECT date_trunc('second', now())::text AS t0`)).rows;
    const T0 = `'${t0}'::timestamptz`;
    const run = async (sql: string, params: unknown[] = []): Promise<number> =>
      (await client.query(sql, params)).rowCount ?? 0;

    // The ADMIN the bench signs in with, unless the database already has one.
    const admins = (
      await client.query(`SELECT id, email FROM users WHERE role = 'ADMIN' AND deleted_at IS NULL ORDER BY id LIMIT 1`)
    ).rows as Array<{ id: number; email: string }>;
    let admin = admins[0];
    const adminCreated = !admin;
    if (!admin) {
      admin = (
        await client.query(
          `INSERT INTO users (email, name, password_hash, role, created_at, updated_at)
           VALUES ($1, 'Bench Admin', $2, 'ADMIN', ${T0} - interval '500 days', ${T0} - interval '500 days')
           RETURNING id, email`,
          [BENCH_ADMIN_EMAIL, passwordHash],
        )
      ).rows[0];
    }
    const adminId = Number(admin.id);

    // Merchant n: its owner's and its own ids (from the sequences), store count, times, deletion.
    await client.query(
      `CREATE TEMP TABLE bench_merchants ON COMMIT DROP AS
       SELECT ${next.users} AS owner_id, ${next.merchants} AS id, x.*
         FROM (SELECT n, 1 + (n * 7) % 9 AS store_count,
                      ${T0} - interval '450 days' + n * interval '1 minute' AS created_at,
                      CASE WHEN ${rnd(`'merchant-deleted:' || n`)} % 1000 < 30
                           THEN ${T0} - (1 + ${rnd(`'merchant-deleted-at:' || n`)} % 30) * interval '1 day' END AS deleted_at
                 FROM generate_series(1, ${MERCHANTS}) AS n ORDER BY n) AS x`,
    );
    const owners = await run(
      `INSERT INTO users (id, email, name, password_hash, role, created_at, updated_at)
       SELECT owner_id, 'owner' || n || '@bench.orion.lu', 'Bench Owner ' || n, $1, 'MERCHANT_OWNER', created_at, created_at
         FROM bench_merchants ORDER BY n`,
      [passwordHash],
    );
    step(`users (owners${adminCreated ? ' + ADMIN' : ''})`, owners + (adminCreated ? 1 : 0));

    step(
      'merchants',
      await run(
        `INSERT INTO merchants (id, name, contact_email, owner_user_id, created_at, updated_at, deleted_at, deleted_by_id)
         SELECT id, 'Bench Merchant ' || n, 'contact' || n || '@bench.orion.lu', owner_id, created_at, created_at,
                deleted_at, CASE WHEN deleted_at IS NOT NULL THEN ${adminId} END
           FROM bench_merchants ORDER BY n`,
      ),
    );

    // Store j of merchant n. A merchant's delete stamps its stores; the owner deletes ~1% of the others.
    await client.query(
      `CREATE TEMP TABLE bench_stores ON COMMIT DROP AS
       SELECT ${next.stores} AS id, x.*
         FROM (SELECT m.n, j, m.id AS merchant_id,
                      j = 1 OR ${rnd(`'store-loyalty:' || m.n || ':' || j`)} % 100 < 75 AS on_loyalty,
                      m.created_at + j * interval '1 day' AS created_at,
                      CASE WHEN m.deleted_at IS NOT NULL THEN m.deleted_at
                           WHEN j > 1 AND ${rnd(`'store-deleted:' || m.n || ':' || j`)} % 100 < 1
                           THEN ${T0} - (1 + ${rnd(`'store-deleted-at:' || m.n || ':' || j`)} % 30) * interval '1 day'
                      END AS deleted_at,
                      CASE WHEN m.deleted_at IS NOT NULL THEN ${adminId} ELSE m.owner_id END AS deleted_by
                 FROM bench_merchants m CROSS JOIN LATERAL generate_series(1, m.store_count) AS j
                ORDER BY m.n, j) AS x`,
    );
    step(
      'stores',
      await run(
        `INSERT INTO stores (id, merchant_id, store_code, subdomain, name, created_at, updated_at, deleted_at, deleted_by_id)
         SELECT id, merchant_id, 'BENCH-' || lpad(n::text, 4, '0') || '-' || j, 'bench-' || lpad(n::text, 4, '0') || '-' || j,
                'Bench Store ' || n || '-' || j, created_at, created_at,
                deleted_at, CASE WHEN deleted_at IS NOT NULL THEN deleted_by END
           FROM bench_stores ORDER BY id`,
      ),
    );

    await client.query(
      `CREATE TEMP TABLE bench_memberships ON COMMIT DROP AS
       SELECT ${next.storePlatforms} AS id, x.*
         FROM (SELECT s.id AS store_id, p.id AS platform_id, p.code = 'oms' AS is_primary, t.id AS tier_id,
                      s.created_at, s.deleted_at, s.deleted_by
                 FROM bench_stores s
                 JOIN platforms p ON p.code = 'oms' OR (p.code = 'loyalty' AND s.on_loyalty)
                 JOIN subscription_tiers t ON t.platform_id IS NULL
                  AND t.code = (ARRAY['essential', 'professional', 'business'])
                               [1 + (${rnd(`'tier:' || s.n || ':' || s.j || ':' || p.code`)} % 3)::int]
                ORDER BY s.id, p.code <> 'oms') AS x`,
    );
    step(
      'store_platforms',
      await run(
        `INSERT INTO store_platforms (id, store_id, platform_id, is_active, is_primary, tier_id, joined_at,
                                      created_at, updated_at, deleted_at, deleted_by_id)
         SELECT id, store_id, platform_id, true, is_primary, tier_id, created_at, created_at, created_at,
                deleted_at, CASE WHEN deleted_at IS NOT NULL THEN deleted_by END
           FROM bench_memberships ORDER BY id`,
      ),
    );
    step(
      'store_subscriptions',
      await run(
        `INSERT INTO store_subscriptions (store_platform_id, tier_id, status, period_start, period_end, created_at, updated_at)
         SELECT id, tier_id, 'ACTIVE', ${T0}, ${T0} + interval '1 month', created_at, ${T0}
           FROM bench_memberships ORDER BY id`,
      ),
    );

    step(
      'loyalty_programs',
      await run(
        `INSERT INTO loyalty_programs (merchant_id, loyalty_type, stamps_target, points_per_euro, points_rewards,
                                       welcome_bonus_points, minimum_redemption_points, cooldown_minutes,
                                       max_daily_stamps, require_staff_pin, card_name, is_active, activated_at,
                                       created_at, updated_at, deleted_at, deleted_by_id)
         SELECT id, 'HYBRID', 10, 1, '[{"id":"coffee","name":"Coffee","pointsRequired":100}]'::jsonb,
                0, 100, 0, 1000000, false, 'Bench Rewards ' || n, true, created_at + interval '2 days',
                created_at + interval '2 days', created_at + interval '2 days',
                deleted_at, CASE WHEN deleted_at IS NOT NULL THEN ${adminId} END
           FROM bench_merchants ORDER BY n`,
      ),
    );

    // Card i: person (i-1)/4+1 at their k-th merchant, a customer row at one of its stores, and a card.
    await client.query(
      `CREATE TEMP TABLE bench_cards ON COMMIT DROP AS
       SELECT ${next.customers} AS customer_id, ${next.cards} AS id, x.*
         FROM (SELECT c.i, c.person, m.id AS merchant_id, lp.id AS program_id, s.id AS store_id,
                      s.deleted_at AS customer_deleted_at, s.deleted_by AS customer_deleted_by,
                      CASE WHEN s.on_loyalty THEN s.id ELSE f.id END AS enrolled_store_id,
                      ${T0} - (60 + ${rnd(`'enrolled:' || c.i`)} % 300) * interval '1 day'
                            - (c.i % 720) * interval '1 minute' AS enrolled_at,
                      (${rnd(`'stamps:' || c.i`)} % 4)::int AS stamps,
                      (${rnd(`'earnings:' || c.i`)} % 3)::int AS earnings,
                      COALESCE(m.deleted_at,
                               CASE WHEN ${rnd(`'card-deleted:' || c.i`)} % 100 < 1
                                    THEN ${T0} - (1 + ${rnd(`'card-deleted-at:' || c.i`)} % 30) * interval '1 day' END
                      ) AS deleted_at,
                      CASE WHEN m.deleted_at IS NOT NULL THEN ${adminId} ELSE m.owner_id END AS deleted_by
                 FROM (SELECT i, (i - 1) / ${MERCHANTS_PER_PERSON} + 1 AS person, (i - 1) % ${MERCHANTS_PER_PERSON} AS k
                         FROM generate_series(1, ${CARDS}) AS i) AS c
                 JOIN bench_merchants m ON m.n = 1 + ((c.person - 1) + c.k * 503) % ${MERCHANTS}
                 JOIN loyalty_programs lp ON lp.merchant_id = m.id
                 JOIN bench_stores s ON s.merchant_id = m.id AND s.j = 1 + ${rnd(`'customer-store:' || c.i`)} % m.store_count
                 JOIN bench_stores f ON f.merchant_id = m.id AND f.j = 1
                ORDER BY c.i) AS x`,
    );
    step('customers and cards (temporary table)');
    step(
      'customers',
      await run(
        `INSERT INTO customers (id, store_id, email, name, phone, created_at, updated_at, deleted_at, deleted_by_id)
         SELECT customer_id, store_id, 'customer' || person || '@bench.orion.lu', 'Bench Customer ' || person,
                '+352 621 ' || lpad((person % 1000000)::text, 6, '0'), enrolled_at, enrolled_at,
                customer_deleted_at, CASE WHEN customer_deleted_at IS NOT NULL THEN customer_deleted_by END
           FROM bench_cards ORDER BY i`,
      ),
    );

    // The ledger first (running balances by window), then cards whose counters are its sums.
    await client.query(
      `CREATE TEMP TABLE bench_ledger ON COMMIT DROP AS
       SELECT card_id, seq, type::loyalty_transaction_type AS type, stamps_delta, points_delta,
              (sum(stamps_delta) OVER w)::int AS stamps_after, (sum(points_delta) OVER w)::int AS points_after,
              store_id, purchase_amount_cents, order_reference, created_at
         FROM (SELECT id AS card_id, 0 AS seq, 'WELCOME_BONUS' AS type, 0 AS stamps_delta, 0 AS points_delta,
                      enrolled_store_id AS store_id, NULL::int AS purchase_amount_cents, NULL::text AS order_reference,
                      enrolled_at AS created_at
                 FROM bench_cards
               UNION ALL
               SELECT c.id, k, 'STAMP_EARNED', 1, 0, c.enrolled_store_id, NULL, NULL, c.enrolled_at + k * interval '1 day'
                 FROM bench_cards c CROSS JOIN LATERAL generate_series(1, c.stamps) AS k
               UNION ALL
               SELECT c.id, c.stamps + k, 'POINTS_EARNED', 0, a.cents / 100, c.enrolled_store_id, a.cents,
                      'BENCH-' || c.i || '-' || k, c.enrolled_at + (c.stamps + k) * interval '1 day'
                 FROM bench_cards c CROSS JOIN LATERAL generate_series(1, c.earnings) AS k
                 CROSS JOIN LATERAL (SELECT (500 + ${rnd(`'purchase:' || c.i || ':' || k`)} % 9500)::int AS cents) AS a
              ) AS l
       WINDOW w AS (PARTITION BY card_id ORDER BY seq)`,
    );
    step('ledger (temporary table)');
    step(
      'loyalty_cards',
      await run(
        `INSERT INTO loyalty_cards (id, merchant_id, customer_id, program_id, enrolled_at_store_id, card_number,
                                    qr_code_data, apple_auth_token, stamp_count, total_stamps_earned, points_balance,
                                    total_points_earned, last_stamp_at, last_points_at, last_activity_at,
                                    created_at, updated_at, deleted_at, deleted_by_id)
         SELECT c.id, c.merchant_id, c.customer_id, c.program_id, c.enrolled_store_id,
                substr(d.digits, 1, 4) || '-' || substr(d.digits, 5, 4) || '-' || substr(d.digits, 9, 4),
                'BQ' || lpad(c.i::text, 6, '0') || substr(md5('qr:' || c.i), 1, 24),
                translate(rtrim(encode(sha256(convert_to('bench-apple:' || c.i, 'UTF8')), 'base64'), '='), '+/', '-_'),
                c.stamps, c.stamps, p.points, p.points,
                CASE WHEN c.stamps > 0 THEN c.enrolled_at + c.stamps * interval '1 day' END,
                CASE WHEN c.earnings > 0 THEN c.enrolled_at + (c.stamps + c.earnings) * interval '1 day' END,
                c.enrolled_at + (c.stamps + c.earnings) * interval '1 day',
                c.enrolled_at, c.enrolled_at + (c.stamps + c.earnings) * interval '1 day',
                c.deleted_at, CASE WHEN c.deleted_at IS NOT NULL THEN c.deleted_by END
           FROM bench_cards c
           JOIN (SELECT card_id, sum(points_delta)::int AS points FROM bench_ledger GROUP BY card_id) AS p
             ON p.card_id = c.id
          CROSS JOIN LATERAL (SELECT lpad(((c.i::bigint * 618033988749 + 141421356237) % 1000000000000)::text, 12, '0')
                                     AS digits) AS d
          ORDER BY c.i`,
      ),
    );
    step(
      'loyalty_transactions',
      await run(
        `INSERT INTO loyalty_transactions (card_id, type, stamps_delta, points_delta, stamps_after, points_after,
                                           store_id, purchase_amount_cents, order_reference, created_at, updated_at)
         SELECT card_id, type, stamps_delta, points_delta, stamps_after, points_after,
                store_id, purchase_amount_cents, order_reference, created_at, created_at
           FROM bench_ledger ORDER BY card_id, seq`,
      ),
    );

    await client.query('COMMIT');
    step('commit');

    await client.query('ANALYZE');
    step('analyze');

    const [{ mismatches }] = (
      await client.query(
        `SELECT count(*)::int AS mismatches
           FROM loyalty_cards c
           LEFT JOIN (SELECT card_id, sum(stamps_delta) AS stamps, sum(points_delta) AS points
                        FROM loyalty_transactions GROUP BY card_id) AS t ON t.card_id = c.id
          WHERE c.stamp_count <> COALESCE(t.stamps, 0) OR c.points_balance <> COALESCE(t.points, 0)`,
      )
    ).rows;
    step('check: ledger == balances', mismatches);
    if (mismatches > 0) throw new Error(`${mismatches} cards whose balances differ from their ledger`);

    const tables = [
      'users',
      'merchants',
      'stores',
      'platforms',
      'subscription_tiers',
      'features',
      'store_platforms',
      'store_subscriptions',
      'customers',
      'loyalty_programs',
      'loyalty_cards',
      'loyalty_transactions',
    ];
    const soft = new Set([
      'users',
      'merchants',
      'stores',
      'store_platforms',
      'customers',
      'loyalty_programs',
      'loyalty_cards',
    ]);
    const counts = (
      await client.query(
        tables
          .map(
            (t) =>
              `SELECT '${t}' AS name, count(*)::int AS total, ${soft.has(t) ? 'count(deleted_at)::int' : 'NULL::int'} AS deleted FROM ${t}`,
          )
          .join(' UNION ALL '),
      )
    ).rows as Array<{ name: string; total: number; deleted: number | null }>;
    log('');
    log(`  ${'table'.padEnd(24)} ${'rows'.padStart(10)} ${'deleted'.padStart(10)}`);
    for (const row of counts) {
      const deleted =
        row.deleted === null ? '' : `${fmt(row.deleted)} (${((100 * row.deleted) / row.total).toFixed(1)}%)`;
      log(`  ${row.name.padEnd(24)} ${fmt(row.total).padStart(10)} ${deleted.padStart(10)}`);
    }

    // A live card at a live store of a live merchant, on the loyalty platform, with a live customer.
    const [sample] = (
      await client.query(
        `SELECT u.email AS owner_email, c.card_number, s.id AS store_id
           FROM loyalty_cards c
           JOIN merchants m ON m.id = c.merchant_id AND m.deleted_at IS NULL
           JOIN users u ON u.id = m.owner_user_id
           JOIN customers cu ON cu.id = c.customer_id AND cu.deleted_at IS NULL
           JOIN stores s ON s.id = c.enrolled_at_store_id AND s.deleted_at IS NULL
           JOIN store_platforms sp ON sp.store_id = s.id AND sp.deleted_at IS NULL
           JOIN platforms p ON p.id = sp.platform_id AND p.code = 'loyalty'
          WHERE c.deleted_at IS NULL
          ORDER BY c.id LIMIT 1`,
      )
    ).rows;
    const result: SeedResult = {
      ownerEmail: sample.owner_email,
      adminEmail: admin.email,
      adminCreated,
      cardNumber: sample.card_number,
      storeId: Number(sample.store_id),
    };
    const storeGlobalId = Buffer.from(`Store:${result.storeId}`, 'utf8').toString('base64url');
    log('');
    log(`  seeded in ${fmt(Date.now() - started)} ms (t0 = ${t0})`);
    log(`  owner:  ${result.ownerEmail} / ${BENCH_PASSWORD} (every owner{n}@bench.orion.lu, n = 1..${MERCHANTS})`);
    log(`  card:   ${result.cardNumber} (live; enrolled at store ${result.storeId} = ${storeGlobalId}, on loyalty)`);
    log(
      adminCreated
        ? `  ADMIN:  ${result.adminEmail} / ${BENCH_PASSWORD} (created by this seed; the server's boot then creates none)`
        : `  ADMIN:  ${result.adminEmail} already existed (its password is the one it was created with; no bench ADMIN created)`,
    );
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== '--fresh');
  if (unknown.length > 0 || args.length > 1) {
    console.error(`usage: DATABASE_URL=postgres://… npm run seed:bench [-- --fresh]  (unknown: ${unknown.join(' ')})`);
    process.exitCode = 2;
    return;
  }
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error(
      'DATABASE_URL is required: the database to seed, e.g.\n' +
        '  DATABASE_URL=postgres://postgres@127.0.0.1:5432/orion_bench npm run seed:bench -- --fresh\n' +
        '(--fresh drops and recreates that database first)',
    );
    process.exitCode = 2;
    return;
  }
  const fresh = args.includes('--fresh');
  const safeUrl = url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
  console.log(`seeding ${safeUrl}${fresh ? ' (fresh)' : ''}`);
  try {
    await seedBench(url, { fresh });
  } catch (error) {
    console.error(`seed:bench failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}

if (require.main === module) void main();
