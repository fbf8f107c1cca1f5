import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Who each user is to the tenant policies, kept ready: the merchants they
 * own and the live stores (and those stores' merchants) whose team they
 * have joined, the three arrays a request's opening writes into its
 * settings. Reading them there took three index scans and an aggregate per
 * request (about 40% of PostgreSQL's time on the card lookup); one primary
 * key lookup reads them here.
 *
 * Triggers keep a user's row right in the transaction that changes what it
 * derives from (their merchants, their memberships, the stores of those
 * memberships), recomputing it from the tables rather than patching it. A
 * transaction-scoped advisory lock per user serialises the recomputations:
 * the second one waits for the first to commit, then reads a snapshot that
 * includes it (READ COMMITTED: each statement its own snapshot).
 *
 * The recomputation runs as orion_system (SECURITY DEFINER, owned by it),
 * which sees every row, whoever made the change: an owner adding staff
 * cannot see the staff member's other merchants, but their identity must
 * hold them.
 */
const IDENTITY_LOCK = 7_294_001;

export class IdentityOfUsers1795240000001 implements MigrationInterface {
  name = 'IdentityOfUsers1795240000001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const q = (sql: string) => queryRunner.query(sql);
    await q(`CREATE TABLE orion.identities (
               user_id integer PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
               merchants integer[] NOT NULL DEFAULT '{}',
               team_merchants integer[] NOT NULL DEFAULT '{}',
               stores integer[] NOT NULL DEFAULT '{}')`);
    await q(`GRANT SELECT, INSERT, UPDATE ON orion.identities TO orion_system`);
    // The functions below belong to orion_system, which needs to be able to create in their schema to own them.
    await q(`GRANT CREATE ON SCHEMA orion TO orion_system`);
    await q(`CREATE FUNCTION orion.refresh_identity(p_user integer) RETURNS void
             LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
             BEGIN
               IF p_user IS NULL THEN RETURN; END IF;
               PERFORM pg_advisory_xact_lock(${IDENTITY_LOCK}, p_user);
               INSERT INTO orion.identities AS i (user_id, merchants, team_merchants, stores)
               SELECT u.id,
                      ARRAY(SELECT m.id FROM merchants m
                             WHERE m.owner_user_id = u.id AND m.deleted_at IS NULL ORDER BY m.id),
                      coalesce(team.merchant_ids, '{}'),
                      coalesce(team.store_ids, '{}')
                 FROM users u
                 LEFT JOIN LATERAL (
                       SELECT array_agg(s.id ORDER BY s.id) AS store_ids,
                              array_agg(DISTINCT s.merchant_id ORDER BY s.merchant_id) AS merchant_ids
                         FROM store_users su JOIN stores s ON s.id = su.store_id AND s.deleted_at IS NULL
                        WHERE su.user_id = u.id AND su.deleted_at IS NULL AND su.is_active
                          AND su.accepted_at IS NOT NULL) team ON true
                WHERE u.id = p_user
               ON CONFLICT (user_id) DO UPDATE
                  SET merchants = EXCLUDED.merchants, team_merchants = EXCLUDED.team_merchants, stores = EXCLUDED.stores;
             END $$`);
    await q(`ALTER FUNCTION orion.refresh_identity(integer) OWNER TO orion_system`);

    // A row naming a user (its column: the trigger's argument) changed: that user's identity, before and after.
    await q(`CREATE FUNCTION orion.identity_of_row() RETURNS trigger LANGUAGE plpgsql AS $$
             DECLARE before integer; after integer;
             BEGIN
               IF TG_OP <> 'INSERT' THEN before := (to_jsonb(OLD) ->> TG_ARGV[0])::integer; END IF;
               IF TG_OP <> 'DELETE' THEN after := (to_jsonb(NEW) ->> TG_ARGV[0])::integer; END IF;
               PERFORM orion.refresh_identity(before);
               IF after IS DISTINCT FROM before THEN PERFORM orion.refresh_identity(after); END IF;
               RETURN NULL;
             END $$`);
    await q(`CREATE TRIGGER identity_of_merchant_owner AFTER INSERT OR DELETE OR UPDATE OF owner_user_id, deleted_at
               ON merchants FOR EACH ROW EXECUTE FUNCTION orion.identity_of_row('owner_user_id')`);
    await q(`CREATE TRIGGER identity_of_member
               AFTER INSERT OR DELETE OR UPDATE OF user_id, store_id, deleted_at, is_active, accepted_at
               ON store_users FOR EACH ROW EXECUTE FUNCTION orion.identity_of_row('user_id')`);

    // A store deleted, restored or moved changes what its members' team arrays hold. SECURITY DEFINER: the
    // writer may not see every membership of the store (its policies), the recomputation must.
    await q(`CREATE FUNCTION orion.identity_of_store_members() RETURNS trigger
             LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
             DECLARE member integer;
             BEGIN
               FOR member IN SELECT DISTINCT su.user_id FROM store_users su WHERE su.store_id = OLD.id ORDER BY 1 LOOP
                 PERFORM orion.refresh_identity(member);
               END LOOP;
               RETURN NULL;
             END $$`);
    await q(`ALTER FUNCTION orion.identity_of_store_members() OWNER TO orion_system`);
    await q(`CREATE TRIGGER identity_of_store_members AFTER DELETE OR UPDATE OF deleted_at, merchant_id
               ON stores FOR EACH ROW EXECUTE FUNCTION orion.identity_of_store_members()`);

    await q(`SELECT orion.refresh_identity(id) FROM users ORDER BY id`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    const q = (sql: string) => queryRunner.query(sql);
    await q(`DROP TRIGGER identity_of_store_members ON stores`);
    await q(`DROP FUNCTION orion.identity_of_store_members()`);
    await q(`DROP TRIGGER identity_of_member ON store_users`);
    await q(`DROP TRIGGER identity_of_merchant_owner ON merchants`);
    await q(`DROP FUNCTION orion.identity_of_row()`);
    await q(`DROP FUNCTION orion.refresh_identity(integer)`);
    await q(`DROP TABLE orion.identities`);
    await q(`REVOKE CREATE ON SCHEMA orion FROM orion_system`);
  }
}
