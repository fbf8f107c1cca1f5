import { randomBytes } from 'node:crypto';

import { RequestTransaction } from '../../src/db/request-transaction';
import { hashApiKey } from '../../src/services/auth/api-key';
import { type Credential, viewerOpening } from '../../src/services/tenancy/viewer';
import { addTeamMember, createTenant, unique } from '../factories/tenancy';
import { dbId } from '../support/ids';
import { testServer } from '../support/server';

/**
 * The backstop behind every rule of the API: inside a request's transaction,
 * opened exactly as a request opens it, a deliberately unfiltered
 * `SELECT * FROM <table>` of each tenant table returns only what the caller's
 * merchant and stores own, and no soft-deleted row. The rows come from direct
 * SQL, so every tenant table holds rows of both merchants, deleted ones too.
 */

const server = testServer();

const sql = <T = any>(text: string, params: unknown[] = []) => server.sql<T>(text, params);
const one = async <T = any>(text: string, params: unknown[] = []): Promise<T> => (await sql<T>(text, params))[0];

/**
 * Who owns each row, as superuser SQL: its merchant, the store it belongs to
 * (null: merchant-wide), and whether it and the rows it hangs from are live.
 */
const OWNERSHIP: Record<string, string> = {
  merchants: `SELECT t.id, t.id AS merchant_id, NULL::int AS store_id, t.deleted_at IS NULL AS live FROM merchants t`,
  stores: `SELECT t.id, t.merchant_id, t.id AS store_id, t.deleted_at IS NULL AS live FROM stores t`,
  ...Object.fromEntries(
    ['store_platforms', 'store_users', 'customers', 'products', 'orders'].map((table) => [
      table,
      `SELECT t.id, s.merchant_id, s.id AS store_id, t.deleted_at IS NULL AND s.deleted_at IS NULL AS live
         FROM ${table} t JOIN stores s ON s.id = t.store_id`,
    ]),
  ),
  ...Object.fromEntries(
    ['store_api_keys', 'store_addons'].map((table) => [
      table,
      `SELECT t.id, s.merchant_id, s.id AS store_id, s.deleted_at IS NULL AS live
         FROM ${table} t JOIN stores s ON s.id = t.store_id`,
    ]),
  ),
  store_subscriptions: `SELECT t.id, s.merchant_id, s.id AS store_id, sp.deleted_at IS NULL AND s.deleted_at IS NULL AS live
      FROM store_subscriptions t JOIN store_platforms sp ON sp.id = t.store_platform_id JOIN stores s ON s.id = sp.store_id`,
  billing_history: `SELECT t.id, s.merchant_id, s.id AS store_id, sp.deleted_at IS NULL AND s.deleted_at IS NULL AS live
      FROM billing_history t JOIN store_subscriptions ss ON ss.id = t.store_subscription_id
      JOIN store_platforms sp ON sp.id = ss.store_platform_id JOIN stores s ON s.id = sp.store_id`,
  loyalty_programs: `SELECT t.id, t.merchant_id, NULL::int AS store_id, t.deleted_at IS NULL AS live FROM loyalty_programs t`,
  loyalty_cards: `SELECT t.id, t.merchant_id, NULL::int AS store_id, t.deleted_at IS NULL AS live FROM loyalty_cards t`,
  ...Object.fromEntries(
    ['loyalty_transactions', 'apple_device_registrations'].map((table) => [
      table,
      `SELECT t.id, c.merchant_id, NULL::int AS store_id, c.deleted_at IS NULL AS live
         FROM ${table} t JOIN loyalty_cards c ON c.id = t.card_id`,
    ]),
  ),
  ...Object.fromEntries(
    ['staff_pins', 'staff_pin_lockouts'].map((table) => [
      table,
      `SELECT t.id, p.merchant_id, NULL::int AS store_id, p.deleted_at IS NULL AS live
         FROM ${table} t JOIN loyalty_programs p ON p.id = t.program_id`,
    ]),
  ),
};
const TENANT_TABLES = Object.keys(OWNERSHIP).sort();

interface Merchant {
  id: number;
  ownerId: number;
  stores: [number, number];
  staffId: number;
  apiKey: string;
}

/** A merchant with two stores on the loyalty platform, staff on the first, and rows in every tenant table. */
async function merchantWithEverything(): Promise<Merchant> {
  const tenant = await createTenant(server, { platform: 'loyalty', stores: 2 });
  const staff = await addTeamMember(server, tenant.ownerToken, tenant.storeIds[0]);
  const id = dbId(tenant.merchantId);
  const stores = tenant.storeIds.map(dbId) as [number, number];
  const { id: ownerId } = await one(`SELECT id FROM users WHERE email = $1`, [tenant.ownerEmail]);
  const { id: staffId } = await one(`SELECT id FROM users WHERE email = $1`, [staff.email]);
  // The first store's key works: its subscription grants api_access.
  await sql(
    `UPDATE store_subscriptions SET tier_id = (SELECT id FROM subscription_tiers WHERE code = 'business'), status = 'ACTIVE'
      WHERE store_platform_id IN (SELECT id FROM store_platforms WHERE store_id = $1)`,
    [stores[0]],
  );
  const apiKey = `orion_sk_${randomBytes(32).toString('base64url')}`;
  const { id: programId } = await one(`INSERT INTO loyalty_programs (merchant_id) VALUES ($1) RETURNING id`, [id]);
  const { id: addOnId } = await one(
    `INSERT INTO addon_products (code, name, category, price_cents) VALUES ($1, 'Extra', 'DOMAIN', 100) RETURNING id`,
    [unique('addon-')],
  );
  for (const [i, store] of stores.entries()) {
    await sql(`INSERT INTO store_api_keys (store_id, name, prefix, key_hash) VALUES ($1, 'k', 'prefix00', $2)`, [
      store,
      i === 0 ? hashApiKey(apiKey) : hashApiKey(`orion_sk_${randomBytes(32).toString('base64url')}`),
    ]);
    await sql(`INSERT INTO store_addons (store_id, addon_product_id) VALUES ($1, $2)`, [store, addOnId]);
    await sql(
      `INSERT INTO billing_history (store_subscription_id, invoice_date, subtotal_cents, total_cents, status)
       SELECT ss.id, now(), 100, 100, 'paid' FROM store_subscriptions ss
         JOIN store_platforms sp ON sp.id = ss.store_platform_id WHERE sp.store_id = $1`,
      [store],
    );
    await sql(`INSERT INTO products (store_id, sku, name, price_cents) VALUES ($1, $2, 'Live', 100)`, [
      store,
      unique(),
    ]);
    await sql(`INSERT INTO products (store_id, sku, name, price_cents, deleted_at) VALUES ($1, $2, 'Gone', 1, now())`, [
      store,
      unique(),
    ]);
    await sql(`INSERT INTO customers (store_id, email, deleted_at) VALUES ($1, $2, now())`, [
      store,
      `${unique()}@x.lu`,
    ]);
    // A customer of the store with no card, and one holding a card (live, with its ledger and a device).
    const { id: plain } = await one(`INSERT INTO customers (store_id, email) VALUES ($1, $2) RETURNING id`, [
      store,
      `${unique()}@x.lu`,
    ]);
    await sql(`INSERT INTO orders (store_id, customer_id, total_cents) VALUES ($1, $2, 500)`, [store, plain]);
    for (const deleted of [false, true]) {
      const { id: holder } = await one(`INSERT INTO customers (store_id, email) VALUES ($1, $2) RETURNING id`, [
        store,
        `${unique()}@x.lu`,
      ]);
      const { id: card } = await one(
        `INSERT INTO loyalty_cards (merchant_id, customer_id, program_id, enrolled_at_store_id, card_number, qr_code_data,
                                    deleted_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
        [id, holder, programId, store, unique().slice(0, 10), unique(), deleted ? new Date() : null],
      );
      await sql(
        `INSERT INTO loyalty_transactions (card_id, type, stamps_delta, stamps_after, points_after, store_id)
         VALUES ($1, 'STAMP_EARNED', 1, 1, 0, $2)`,
        [card, store],
      );
      await sql(
        `INSERT INTO apple_device_registrations (device_library_identifier, push_token, pass_type_identifier, card_id)
         VALUES ($1, 'push', 'pass.lu.orion', $2)`,
        [unique(), card],
      );
    }
    await sql(`INSERT INTO staff_pins (program_id, store_id, staff_name, pin_hash) VALUES ($1, $2, 'Pat', $3)`, [
      programId,
      store,
      randomBytes(32).toString('hex'),
    ]);
    await sql(`INSERT INTO staff_pin_lockouts (program_id, store_id) VALUES ($1, $2)`, [programId, store]);
  }
  return { id, ownerId, stores, staffId, apiKey };
}

let a: Merchant;
let b: Merchant;
beforeAll(async () => {
  [a, b] = await Promise.all([merchantWithEverything(), merchantWithEverything()]);
});

/** Every row of every tenant table, with its owner (superuser, no policy). */
async function ownership() {
  const rows: Array<{ table: string; id: number; merchant_id: number; store_id: number | null; live: boolean }> = [];
  for (const table of TENANT_TABLES) {
    for (const row of await sql(OWNERSHIP[table])) rows.push({ table, ...row });
  }
  return rows;
}

/** `SELECT *` of every tenant table in a transaction opened for `credential`, as a request opens it. */
async function seenAs(credential: Credential): Promise<{ role: string; rows: Map<string, Set<number>> }> {
  const transaction = new RequestTransaction(
    server.dataSource,
    { userId: null, sqlStatements: 0 },
    viewerOpening(credential, () => new Date()),
  );
  try {
    const viewer = await transaction.value();
    if (credential) expect(viewer).not.toBeNull();
    const [{ role }] = await transaction.manager.query(`SELECT current_user AS role`);
    const rows = new Map<string, Set<number>>();
    for (const table of TENANT_TABLES) {
      const found: Array<{ id: number }> = await transaction.manager.query(`SELECT * FROM "${table}"`);
      rows.set(table, new Set(found.map((r) => r.id)));
    }
    return { role, rows };
  } finally {
    await transaction.finish(false);
  }
}

describe('row-level security, the backstop', () => {
  it('is forced on every table that a merchant or a store owns, and on no catalogue table', async () => {
    // A table is a tenant's when it points at a tenant row: a new table is caught here before its policy exists.
    const owned = await sql<{ table: string }>(
      `SELECT DISTINCT c.relname AS table
         FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid
        WHERE k.contype = 'f' AND c.relnamespace = 'public'::regnamespace
          AND p.relname = ANY($1) AND p.relname <> 'users'`,
      [TENANT_TABLES],
    );
    const forced = await sql<{ table: string }>(
      `SELECT relname AS table FROM pg_class
        WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' AND relrowsecurity AND relforcerowsecurity`,
    );
    const withPolicy = await sql<{ table: string }>(
      `SELECT DISTINCT tablename AS table FROM pg_policies WHERE schemaname = 'public'`,
    );
    const names = (rows: Array<{ table: string }>) => rows.map((r) => r.table).sort();
    expect(names(owned).filter((t) => !TENANT_TABLES.includes(t))).toEqual([]);
    expect(names(forced)).toEqual(TENANT_TABLES);
    expect(names(withPolicy)).toEqual(TENANT_TABLES);
  });

  it("shows a merchant's owner exactly the merchant's live rows of every table, though the pool connects as superuser", async () => {
    const { role, rows } = await seenAs({ kind: 'user', userId: a.ownerId });
    expect(role).toBe('orion_app');
    expect((await one(`SELECT rolsuper FROM pg_roles WHERE rolname = current_user`)).rolsuper).toBe(true);
    const all = await ownership();
    for (const table of TENANT_TABLES) {
      const expected = all
        .filter((r) => r.table === table && r.merchant_id === a.id && r.live)
        .map((r) => r.id)
        .sort();
      expect({ table, ids: [...rows.get(table)!].sort() }).toEqual({ table, ids: expected });
      expect(expected.length).toBeGreaterThan(0);
    }
    // The fixture holds deleted rows and the other merchant's rows in these tables: there was something to hide.
    expect(all.some((r) => r.merchant_id === a.id && !r.live)).toBe(true);
    expect(all.some((r) => r.merchant_id === b.id)).toBe(true);
  });

  it.each([
    ['staff of the first store', () => ({ kind: 'user' as const, userId: a.staffId })],
    ["the first store's API key", () => ({ kind: 'apiKey' as const, keyHash: hashApiKey(a.apiKey) })],
  ])('shows %s only live rows of the merchant, none of the other store but its merchant-wide cards', async (_, who) => {
    const { role, rows } = await seenAs(who());
    expect(role).toBe('orion_app');
    const all = await ownership();
    const [first, second] = a.stores;
    const holders = new Set(
      (await sql(`SELECT customer_id FROM loyalty_cards WHERE merchant_id = $1 AND deleted_at IS NULL`, [a.id])).map(
        (r) => r.customer_id,
      ),
    );
    for (const table of TENANT_TABLES) {
      const seen = rows.get(table)!;
      const owners = all.filter((r) => r.table === table && seen.has(r.id));
      // Nothing of the other merchant, nothing deleted.
      expect({ table, foreign: owners.filter((r) => r.merchant_id !== a.id || !r.live) }).toEqual({
        table,
        foreign: [],
      });
      // Of the second store, only a card's holder (cards and their ledger are merchant-wide).
      const ofSecond = owners.filter((r) => r.store_id === second && !(table === 'customers' && holders.has(r.id)));
      expect({ table, ofSecond }).toEqual({ table, ofSecond: [] });
      // And the first store's own rows are all there, keys aside (the owner's alone).
      const ofFirst = all.filter((r) => r.table === table && r.store_id === first && r.live);
      if (table !== 'store_api_keys')
        expect({ table, missing: ofFirst.filter((r) => !seen.has(r.id)) }).toEqual({ table, missing: [] });
    }
    expect(rows.get('store_api_keys')!.size).toBe(0);
    // Both stores' live cards: any store serves a card of its merchant.
    const cards = all.filter((r) => r.table === 'loyalty_cards' && r.merchant_id === a.id && r.live).map((r) => r.id);
    expect(cards).toHaveLength(2);
    expect([...rows.get('loyalty_cards')!].sort()).toEqual(cards.sort());
  });

  it("shows the tables' owner, when not a superuser, no row: no policy is written for it", async () => {
    // A non-superuser that owns a tenant table (as the role of a user's own PostgreSQL owns them all): FORCE
    // ROW LEVEL SECURITY holds it to the policies, and none is written for it.
    const owner = `orion_test_owner_${process.pid}`;
    await sql(`CREATE ROLE ${owner} NOLOGIN`);
    const runner = server.dataSource.createQueryRunner();
    try {
      await sql(`ALTER TABLE loyalty_programs OWNER TO ${owner}`);
      await runner.connect();
      await runner.startTransaction();
      await runner.query(`SET LOCAL ROLE ${owner}`);
      const [{ total }] = await runner.query(`SELECT count(*)::int AS total FROM loyalty_programs`);
      expect(total).toBe(0);
      await runner.rollbackTransaction();
      expect((await one(`SELECT count(*)::int AS total FROM loyalty_programs`)).total).toBeGreaterThan(0);
    } finally {
      await runner.release();
      await sql(`ALTER TABLE loyalty_programs OWNER TO current_user`);
      await sql(`DROP ROLE ${owner}`);
    }
  });

  it('shows an anonymous transaction no tenant row at all', async () => {
    const { role, rows } = await seenAs(null);
    expect(role).toBe('orion_app');
    expect(TENANT_TABLES.filter((table) => rows.get(table)!.size > 0)).toEqual([]);
  });
});
