import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The tenant boundary, enforced by PostgreSQL: row-level security on every
 * table a merchant or a store owns, forced on the tables' owner too.
 *
 * Requests and jobs run as `orion_app` (NOLOGIN, no BYPASSRLS), switched to
 * with a transaction-local `role` setting, so a superuser or owner connection
 * does not bypass the policies. Who is asking lives in transaction-local
 * settings (`set_config(..., true)`, so PgBouncer's transaction pooling is
 * safe), written only by the `orion.open_*` functions below, in the request's
 * first round trip:
 *
 *   orion.context        'request', or 'system:<name>' (jobs, bootstrap, webhooks,
 *                        lookups made before anyone is known): sees everything
 *   orion.admin          'on' for a platform ADMIN: sees every merchant
 *   orion.merchants      merchants the caller owns: all their stores and rows
 *   orion.team_merchants merchants whose team the caller is in: the merchant,
 *                        its loyalty programs, cards, their holders and ledger
 *   orion.stores         stores whose team the caller is in: their rows
 *   orion.deleted        'on' while soft-deleted rows may be seen: always for
 *                        ADMIN (whose lists show them when asked), for others
 *                        only during a restore. A transaction also sees the
 *                        rows it deleted itself (the soft delete's cascade).
 *   orion.storefront     the store a storefront request's Host names: that
 *                        store, its merchant and its memberships, read-only,
 *                        nothing below them
 *
 * A policy reads each setting once per statement (an InitPlan), not per row.
 */
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

const unrestricted = `(SELECT orion.unrestricted())`;
// The cast makes the scalar subquery an array expression (`= ANY (subquery)` would compare rows).
const ids = (setting: string) => `(SELECT orion.ids('orion.${setting}'))::integer[]`;
// A transaction still sees the rows it deleted itself (stamped with its own now()): the RETURNING of the soft
// delete and the cascade to the children of what it just deleted need them.
const live = `(deleted_at IS NULL OR deleted_at = now() OR (SELECT orion.sees_deleted()))`;
const seesMerchant = (merchant: string) =>
  `(${unrestricted} OR ${merchant} = ANY (${ids('merchants')}) OR ${merchant} = ANY (${ids('team_merchants')}))`;
/** Rows of a store: its merchant's owner, its team, ADMIN (the store's own policy applies inside). */
const seesStore = (store: string) =>
  `(${unrestricted} OR ${store} = ANY (${ids('stores')})
     OR EXISTS (SELECT 1 FROM stores rls_s WHERE rls_s.id = ${store} AND rls_s.merchant_id = ANY (${ids('merchants')})))`;
const managesStore = (store: string) =>
  `(${unrestricted} OR EXISTS (SELECT 1 FROM stores rls_s WHERE rls_s.id = ${store} AND rls_s.merchant_id = ANY (${ids('merchants')})))`;
/** Rows below a parent row: visible exactly when that parent is (its policy applies inside the subquery). */
const under = (parent: string, key: string) => `EXISTS (SELECT 1 FROM ${parent} rls_p WHERE rls_p.id = ${key})`;

/** Each table's boundary: what a request may see (USING) and write (WITH CHECK: the same, deleted rows aside). */
const POLICIES: Record<string, { sees: string; soft: boolean }> = {
  merchants: { sees: seesMerchant('id'), soft: true },
  stores: {
    sees: `(${unrestricted} OR merchant_id = ANY (${ids('merchants')}) OR id = ANY (${ids('stores')}))`,
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
    // Roles belong to the cluster: another database of it may have made this one already.
    await q(`DO $$ BEGIN
               CREATE ROLE orion_app NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
             EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
             END $$`);
    await q(`DO $$ BEGIN
               IF NOT pg_has_role(current_user, 'orion_app', 'MEMBER') THEN
                 EXECUTE format('GRANT orion_app TO %I', current_user);
               END IF;
             END $$`);
    await q(`GRANT USAGE ON SCHEMA public TO orion_app`);
    await q(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO orion_app`);
    await q(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO orion_app`);
    await q(`REVOKE ALL ON "migrations" FROM orion_app`);
    await q(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO orion_app`);
    await q(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO orion_app`);

    await q(`CREATE SCHEMA orion`);
    await q(`GRANT USAGE ON SCHEMA orion TO orion_app`);
    await q(`CREATE FUNCTION orion.unrestricted() RETURNS boolean LANGUAGE sql STABLE AS $$
               SELECT coalesce(current_setting('orion.context', true), '') LIKE 'system:%'
                   OR coalesce(current_setting('orion.admin', true), '') = 'on' $$`);
    await q(`CREATE FUNCTION orion.sees_deleted() RETURNS boolean LANGUAGE sql STABLE AS $$
               SELECT coalesce(current_setting('orion.deleted', true), '') = 'on'
                   OR coalesce(current_setting('orion.context', true), '') LIKE 'system:%' $$`);
    await q(`CREATE FUNCTION orion.ids(setting text) RETURNS integer[] LANGUAGE sql STABLE AS $$
               SELECT coalesce(nullif(current_setting(setting, true), ''), '{}')::integer[] $$`);
    await q(`CREATE FUNCTION orion.storefront() RETURNS integer LANGUAGE sql STABLE AS $$
               SELECT nullif(current_setting('orion.storefront', true), '')::integer $$`);

    // The identity of a transaction, then the switch to orion_app: every later statement runs under the policies.
    await q(`CREATE FUNCTION orion.become(p_context text, p_user_id integer, p_admin boolean, p_merchants integer[],
                                          p_team_merchants integer[], p_stores integer[]) RETURNS void
             LANGUAGE plpgsql AS $$
             BEGIN
               PERFORM set_config('orion.context', p_context, true),
                       set_config('orion.user_id', coalesce(p_user_id::text, ''), true),
                       set_config('orion.admin', CASE WHEN p_admin THEN 'on' ELSE 'off' END, true),
                       set_config('orion.merchants', p_merchants::text, true),
                       set_config('orion.team_merchants', p_team_merchants::text, true),
                       set_config('orion.stores', p_stores::text, true),
                       set_config('orion.deleted', CASE WHEN p_admin THEN 'on' ELSE 'off' END, true),
                       set_config('orion.storefront', '', true),
                       set_config('role', 'orion_app', true);
             END $$`);
    await q(`CREATE FUNCTION orion.best_tier(p_merchant integer, p_ladder text[], p_statuses subscription_status[])
             RETURNS text LANGUAGE sql STABLE AS $$
               SELECT t.code::text
                 FROM stores s
                 JOIN store_platforms sp ON sp.store_id = s.id AND sp.deleted_at IS NULL
                 JOIN store_subscriptions ss ON ss.store_platform_id = sp.id AND ss.status = ANY (p_statuses)
                 JOIN subscription_tiers t ON t.id = ss.tier_id
                WHERE s.merchant_id = p_merchant AND s.deleted_at IS NULL AND t.code = ANY (p_ladder)
                ORDER BY array_position(p_ladder, t.code::text) DESC
                LIMIT 1 $$`);
    // A signed-in user: the live, active user with the merchants they own and their accepted team memberships.
    await q(`CREATE FUNCTION orion.open_user(p_user_id integer, p_ladder text[], p_statuses subscription_status[])
             RETURNS TABLE (role text, merchant_ids integer[], store_ids integer[], store_merchant_ids integer[],
                            catalog_version integer, rate_merchant_id integer, rate_tier text)
             LANGUAGE plpgsql AS $$
             DECLARE v record;
             BEGIN
               PERFORM set_config('orion.context', 'system:identify', true);
               SELECT u.role::text AS role,
                      ARRAY(SELECT m.id FROM merchants m
                             WHERE m.owner_user_id = u.id AND m.deleted_at IS NULL ORDER BY m.id) AS merchant_ids,
                      ARRAY(SELECT s.id FROM store_users su JOIN stores s ON s.id = su.store_id AND s.deleted_at IS NULL
                             WHERE su.user_id = u.id AND su.deleted_at IS NULL AND su.is_active
                               AND su.accepted_at IS NOT NULL ORDER BY s.id) AS store_ids,
                      ARRAY(SELECT DISTINCT s.merchant_id FROM store_users su
                              JOIN stores s ON s.id = su.store_id AND s.deleted_at IS NULL
                             WHERE su.user_id = u.id AND su.deleted_at IS NULL AND su.is_active
                               AND su.accepted_at IS NOT NULL ORDER BY s.merchant_id) AS store_merchant_ids,
                      (SELECT c.version FROM catalog_version c) AS catalog_version
                 INTO v
                 FROM users u
                WHERE u.id = p_user_id AND u.deleted_at IS NULL AND u.is_active;
               IF NOT FOUND THEN
                 PERFORM orion.become('request', NULL, false, '{}', '{}', '{}');
                 RETURN;
               END IF;
               role := v.role; merchant_ids := v.merchant_ids; store_ids := v.store_ids;
               store_merchant_ids := v.store_merchant_ids; catalog_version := v.catalog_version;
               rate_merchant_id := coalesce(v.merchant_ids[1], v.store_merchant_ids[1]);
               rate_tier := CASE WHEN rate_merchant_id IS NULL THEN NULL
                                 ELSE orion.best_tier(rate_merchant_id, p_ladder, p_statuses) END;
               PERFORM orion.become('request', p_user_id, v.role = 'ADMIN', v.merchant_ids, v.store_merchant_ids,
                                    v.store_ids);
               RETURN NEXT;
             END $$`);
    // A store API key: a team member of its one store while the key is unrevoked, its store live and the store's
    // primary subscription grants the feature. last_used_at is stamped at most once a minute, by the one request
    // that locks the stale row: the lock lasts as long as that request's transaction, so the others skip it
    // rather than wait (a long request must not stall every other request of its key).
    await q(`CREATE FUNCTION orion.open_api_key(p_key_hash text, p_now timestamptz, p_ladder text[],
                                                p_statuses subscription_status[], p_feature text)
             RETURNS TABLE (id integer, store_id integer, merchant_id integer, rate_tier text)
             LANGUAGE plpgsql AS $$
             DECLARE k record;
             BEGIN
               PERFORM set_config('orion.context', 'system:identify', true);
               SELECT ak.id, ak.store_id, s.merchant_id INTO k
                 FROM store_api_keys ak
                 JOIN stores s ON s.id = ak.store_id AND s.deleted_at IS NULL
                WHERE ak.key_hash = p_key_hash AND ak.revoked_at IS NULL
                  AND EXISTS (
                    SELECT 1 FROM store_platforms sp
                      JOIN store_subscriptions sub ON sub.store_platform_id = sp.id
                      JOIN subscription_tiers t ON t.id = sub.tier_id
                     WHERE sp.store_id = ak.store_id AND sp.is_primary AND sp.deleted_at IS NULL
                       AND sub.status = ANY (p_statuses) AND t.features @> jsonb_build_array(p_feature));
               IF NOT FOUND THEN
                 PERFORM orion.become('request', NULL, false, '{}', '{}', '{}');
                 RETURN;
               END IF;
               UPDATE store_api_keys ak SET last_used_at = p_now
                WHERE ak.id = (SELECT l.id FROM store_api_keys l
                                WHERE l.id = k.id
                                  AND (l.last_used_at IS NULL OR l.last_used_at <= p_now - interval '1 minute')
                                  FOR UPDATE SKIP LOCKED);
               id := k.id; store_id := k.store_id; merchant_id := k.merchant_id;
               rate_tier := orion.best_tier(k.merchant_id, p_ladder, p_statuses);
               PERFORM orion.become('request', NULL, false, '{}', ARRAY[k.merchant_id], ARRAY[k.store_id]);
               RETURN NEXT;
             END $$`);
    await q(`CREATE FUNCTION orion.open_anonymous() RETURNS void LANGUAGE sql AS $$
               SELECT orion.become('request', NULL, false, '{}', '{}', '{}') $$`);
    await q(`CREATE FUNCTION orion.open_system(p_name text) RETURNS void LANGUAGE plpgsql AS $$
             BEGIN
               IF p_name !~ '^[a-z][a-z0-9.:-]*$' THEN RAISE EXCEPTION 'bad system context name %', p_name; END IF;
               PERFORM orion.become('system:' || p_name, NULL, false, '{}', '{}', '{}');
             END $$`);
    // Only the connecting role opens a transaction's identity; orion_app, once switched to, cannot call these.
    for (const fn of [
      'orion.become(text, integer, boolean, integer[], integer[], integer[])',
      'orion.open_user(integer, text[], subscription_status[])',
      'orion.open_api_key(text, timestamptz, text[], subscription_status[], text)',
      'orion.open_anonymous()',
      'orion.open_system(text)',
    ]) {
      await q(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
    }

    for (const table of TENANT_TABLES) {
      const { sees, soft } = POLICIES[table];
      await q(`ALTER TABLE "${table}" ENABLE ROW LEVEL SECURITY`);
      await q(`ALTER TABLE "${table}" FORCE ROW LEVEL SECURITY`);
      await q(
        `CREATE POLICY tenant_boundary ON "${table}" USING (${soft ? `${sees} AND ${live}` : sees}) WITH CHECK (${sees})`,
      );
      if (STOREFRONT[table]) {
        await q(`CREATE POLICY storefront ON "${table}" FOR SELECT USING (${STOREFRONT[table]})`);
      }
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    const q = (sql: string) => queryRunner.query(sql);
    for (const table of TENANT_TABLES) {
      if (STOREFRONT[table]) await q(`DROP POLICY storefront ON "${table}"`);
      await q(`DROP POLICY tenant_boundary ON "${table}"`);
      await q(`ALTER TABLE "${table}" NO FORCE ROW LEVEL SECURITY`);
      await q(`ALTER TABLE "${table}" DISABLE ROW LEVEL SECURITY`);
    }
    await q(`DROP SCHEMA orion CASCADE`);
    await q(`ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE USAGE, SELECT ON SEQUENCES FROM orion_app`);
    await q(`ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM orion_app`);
    await q(`REVOKE USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public FROM orion_app`);
    await q(`REVOKE SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public FROM orion_app`);
    await q(`REVOKE USAGE ON SCHEMA public FROM orion_app`);
    // The role itself stays: other databases of the cluster may use it.
  }
}
