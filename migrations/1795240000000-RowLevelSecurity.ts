import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The tenant boundary, enforced by PostgreSQL: row-level security on every
 * table a merchant or a store owns, forced on the tables' owner too.
 *
 * Every transaction of the app switches role first (a transaction-local
 * `role` setting written by its opening, src/db/request-transaction.ts), so a
 * superuser or owner connection bypasses nothing:
 *
 *   orion_app     a merchant's owner, team member or API key, or an anonymous
 *                 caller: the tenant policies below
 *   orion_admin   a platform ADMIN: every row, deleted ones too (the API shows
 *                 those only when asked)
 *   orion_system  work done for no caller (jobs, the admin bootstrap, webhooks,
 *                 the lookups made before anyone is known), named in
 *                 orion.context: every row
 *
 * None of them logs in or bypasses RLS; the connecting role is made a member
 * of each. Who a tenant caller is lives in transaction-local settings
 * (`set_config(..., true)`, so PgBouncer's transaction pooling is safe):
 *
 *   orion.merchants      merchants the caller owns: all their stores and rows
 *   orion.team_merchants merchants whose team the caller is in: the merchant,
 *                        its loyalty programs, cards, their holders and ledger
 *   orion.stores         stores whose team the caller is in: their rows
 *   orion.storefront     the store a storefront request's Host names: that
 *                        store, its merchant and its memberships, read-only,
 *                        nothing below them
 *
 * A deleted row is invisible to orion_app, but for the rows a transaction
 * deleted itself (the soft delete's RETURNING and its cascade need them);
 * restores are ADMIN's, whose role sees them all.
 *
 * A policy reads each setting once per statement (an InitPlan), not per row.
 */
const ROLES = ['orion_app', 'orion_admin', 'orion_system'];

const TENANT_TABLES = [
  'merchants',
  'stores',
  'store_platforms',
  'store_users',
  'customers',
  'products',
  'orders',
  'store_api_keys',
  'store_addons',
  'store_subscriptions',
  'billing_history',
  'loyalty_programs',
  'loyalty_cards',
  'loyalty_transactions',
  'staff_pins',
  'staff_pin_lockouts',
  'apple_device_registrations',
];

// The cast makes the scalar subquery an array expression (`= ANY (subquery)` would compare rows).
const ids = (setting: string) => `(SELECT orion.ids('orion.${setting}'))::integer[]`;
// A transaction still sees the rows it deleted itself (stamped with its own now()): the RETURNING of the soft
// delete and the cascade to the children of what it just deleted need them.
const live = `(deleted_at IS NULL OR deleted_at = now())`;
const seesMerchant = (merchant: string) =>
  `(${merchant} = ANY (${ids('merchants')}) OR ${merchant} = ANY (${ids('team_merchants')}))`;
/** Rows of a store: its merchant's owner and its team (the store's own policy applies inside). */
const seesStore = (store: string) =>
  `(${store} = ANY (${ids('stores')})
     OR EXISTS (SELECT 1 FROM stores rls_s WHERE rls_s.id = ${store} AND rls_s.merchant_id = ANY (${ids('merchants')})))`;
const managesStore = (store: string) =>
  `EXISTS (SELECT 1 FROM stores rls_s WHERE rls_s.id = ${store} AND rls_s.merchant_id = ANY (${ids('merchants')}))`;
/** Rows below a parent row: visible exactly when that parent is (its policy applies inside the subquery). */
const under = (parent: string, key: string) => `EXISTS (SELECT 1 FROM ${parent} rls_p WHERE rls_p.id = ${key})`;

/** Each table's boundary: what a request may see (USING) and write (WITH CHECK: the same, deleted rows aside). */
const POLICIES: Record<string, { sees: string; soft: boolean }> = {
  merchants: { sees: seesMerchant('id'), soft: true },
  stores: {
    sees: `(merchant_id = ANY (${ids('merchants')}) OR id = ANY (${ids('stores')}))`,
    soft: true,
  },
  store_platforms: { sees: seesStore('store_id'), soft: true },
  store_users: { sees: seesStore('store_id'), soft: true },
  // A card's holder is merchant-wide, as the card is: any store of the merchant serves it.
  customers: {
    sees: `(${seesStore('store_id')} OR EXISTS (SELECT 1 FROM loyalty_cards rls_c WHERE rls_c.customer_id = customers.id))`,
    soft: true,
  },
  products: { sees: seesStore('store_id'), soft: true },
  orders: { sees: seesStore('store_id'), soft: true },
  // Keys are the owner's to see and manage; a key's own request finds it in the opening, in system context.
  store_api_keys: { sees: managesStore('store_id'), soft: false },
  store_addons: { sees: seesStore('store_id'), soft: false },
  store_subscriptions: { sees: under('store_platforms', 'store_platform_id'), soft: false },
  billing_history: { sees: under('store_subscriptions', 'store_subscription_id'), soft: false },
  loyalty_programs: { sees: seesMerchant('merchant_id'), soft: true },
  loyalty_cards: { sees: seesMerchant('merchant_id'), soft: true },
  loyalty_transactions: { sees: under('loyalty_cards', 'card_id'), soft: false },
  staff_pins: { sees: under('loyalty_programs', 'program_id'), soft: false },
  staff_pin_lockouts: { sees: under('loyalty_programs', 'program_id'), soft: false },
  apple_device_registrations: { sees: under('loyalty_cards', 'card_id'), soft: false },
};

/** A storefront request sees its one store, its merchant and its memberships: public fields are the app's to pick. */
const STOREFRONT: Record<string, string> = {
  merchants: `id = (SELECT s.merchant_id FROM stores s WHERE s.id = (SELECT orion.storefront())) AND deleted_at IS NULL`,
  stores: `id = (SELECT orion.storefront()) AND deleted_at IS NULL`,
  store_platforms: `store_id = (SELECT orion.storefront()) AND deleted_at IS NULL`,
};

export class RowLevelSecurity1795240000000 implements MigrationInterface {
  name = 'RowLevelSecurity1795240000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const q = (sql: string) => queryRunner.query(sql);
    // Roles belong to the cluster: another database of it may have made them already.
    for (const role of ROLES) {
      await q(`DO $$ BEGIN
                 CREATE ROLE ${role} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
               EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
               END $$`);
      await q(`DO $$ BEGIN
                 IF NOT pg_has_role(current_user, '${role}', 'MEMBER') THEN
                   EXECUTE format('GRANT ${role} TO %I', current_user);
                 END IF;
               END $$`);
      await q(`GRANT USAGE ON SCHEMA public TO ${role}`);
      await q(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}`);
      await q(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${role}`);
      await q(`REVOKE ALL ON "migrations" FROM ${role}`);
      await q(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${role}`);
      await q(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${role}`);
    }

    await q(`CREATE SCHEMA orion`);
    await q(`GRANT USAGE ON SCHEMA orion TO ${ROLES.join(', ')}`);
    await q(`CREATE FUNCTION orion.ids(setting text) RETURNS integer[] LANGUAGE sql STABLE AS $$
               SELECT coalesce(nullif(current_setting(setting, true), ''), '{}')::integer[] $$`);
    await q(`CREATE FUNCTION orion.storefront() RETURNS integer LANGUAGE sql STABLE AS $$
               SELECT nullif(current_setting('orion.storefront', true), '')::integer $$`);

    for (const table of TENANT_TABLES) {
      const { sees, soft } = POLICIES[table];
      await q(`ALTER TABLE "${table}" ENABLE ROW LEVEL SECURITY`);
      await q(`ALTER TABLE "${table}" FORCE ROW LEVEL SECURITY`);
      await q(
        `CREATE POLICY tenant_boundary ON "${table}" TO orion_app
           USING (${soft ? `${sees} AND ${live}` : sees}) WITH CHECK (${sees})`,
      );
      await q(`CREATE POLICY every_row ON "${table}" TO orion_admin, orion_system USING (true) WITH CHECK (true)`);
      if (STOREFRONT[table]) {
        await q(`CREATE POLICY storefront ON "${table}" FOR SELECT TO orion_app USING (${STOREFRONT[table]})`);
      }
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    const q = (sql: string) => queryRunner.query(sql);
    for (const table of TENANT_TABLES) {
      if (STOREFRONT[table]) await q(`DROP POLICY storefront ON "${table}"`);
      await q(`DROP POLICY every_row ON "${table}"`);
      await q(`DROP POLICY tenant_boundary ON "${table}"`);
      await q(`ALTER TABLE "${table}" NO FORCE ROW LEVEL SECURITY`);
      await q(`ALTER TABLE "${table}" DISABLE ROW LEVEL SECURITY`);
    }
    await q(`DROP SCHEMA orion CASCADE`);
    for (const role of ROLES) {
      await q(`ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE USAGE, SELECT ON SEQUENCES FROM ${role}`);
      await q(`ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM ${role}`);
      await q(`REVOKE USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public FROM ${role}`);
      await q(`REVOKE SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public FROM ${role}`);
      await q(`REVOKE USAGE ON SCHEMA public FROM ${role}`);
    }
    // The roles themselves stay: other databases of the cluster may use them.
  }
}
