import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * A user's identity row also says who the user is: their role, and whether
 * they may act at all (live: not deleted, active). A request's opening then
 * reads one row by primary key instead of joining users to it, about a
 * quarter of PostgreSQL's time on a card lookup. Every user has a row from
 * now on: a trigger on users keeps role and live right, as the triggers of
 * IdentityOfUsers keep the rest, through the same recomputation.
 */
const IDENTITY_LOCK = 7_294_001;

const refreshIdentity = (withUser: boolean) => `
  CREATE OR REPLACE FUNCTION orion.refresh_identity(p_user integer) RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
  BEGIN
    IF p_user IS NULL THEN RETURN; END IF;
    PERFORM pg_advisory_xact_lock(${IDENTITY_LOCK}, p_user);
    INSERT INTO orion.identities AS i (user_id, ${withUser ? 'role, live, ' : ''}merchants, team_merchants, stores)
    SELECT u.id, ${withUser ? 'u.role, u.deleted_at IS NULL AND u.is_active, ' : ''}
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
       SET ${withUser ? 'role = EXCLUDED.role, live = EXCLUDED.live, ' : ''}merchants = EXCLUDED.merchants,
           team_merchants = EXCLUDED.team_merchants, stores = EXCLUDED.stores;
  END $$`;

export class IdentityHoldsUser1795240000002 implements MigrationInterface {
  name = 'IdentityHoldsUser1795240000002';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const q = (sql: string) => queryRunner.query(sql);
    await q(`ALTER TABLE orion.identities ADD COLUMN role user_role, ADD COLUMN live boolean NOT NULL DEFAULT false`);
    await q(refreshIdentity(true));
    await q(`CREATE TRIGGER identity_of_user AFTER INSERT OR UPDATE OF role, is_active, deleted_at
               ON users FOR EACH ROW EXECUTE FUNCTION orion.identity_of_row('id')`);
    await q(`SELECT orion.refresh_identity(id) FROM users ORDER BY id`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    const q = (sql: string) => queryRunner.query(sql);
    await q(`DROP TRIGGER identity_of_user ON users`);
    await q(refreshIdentity(false));
    await q(`ALTER TABLE orion.identities DROP COLUMN live, DROP COLUMN role`);
  }
}
