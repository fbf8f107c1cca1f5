import { addTeamMember, adminToken, createTenant } from '../factories/tenancy';
import { dbId } from '../support/ids';
import { testServer } from '../support/server';

/**
 * orion.identities holds what each user is to the tenant policies (owned
 * merchants, team stores and their merchants); triggers keep it right. These
 * tests hold it against the tables, through the API and under concurrency.
 */

const server = testServer();

const sql = <T = any>(text: string, params: unknown[] = []) => server.sql<T>(text, params);

/** Users whose identity row differs from what the tables say now (none expected). */
const drifted = () =>
  sql(`
    WITH truth AS (
      SELECT u.id, u.role, u.deleted_at IS NULL AND u.is_active AS live,
             ARRAY(SELECT m.id FROM merchants m WHERE m.owner_user_id = u.id AND m.deleted_at IS NULL ORDER BY m.id) AS merchants,
             ARRAY(SELECT DISTINCT s.merchant_id FROM store_users su JOIN stores s ON s.id = su.store_id AND s.deleted_at IS NULL
                    WHERE su.user_id = u.id AND su.deleted_at IS NULL AND su.is_active AND su.accepted_at IS NOT NULL
                    ORDER BY 1) AS team_merchants,
             ARRAY(SELECT s.id FROM store_users su JOIN stores s ON s.id = su.store_id AND s.deleted_at IS NULL
                    WHERE su.user_id = u.id AND su.deleted_at IS NULL AND su.is_active AND su.accepted_at IS NOT NULL
                    ORDER BY 1) AS stores
        FROM users u)
    SELECT t.id FROM truth t LEFT JOIN orion.identities i ON i.user_id = t.id
     WHERE i.user_id IS NULL OR i.role <> t.role OR i.live <> t.live
        OR i.merchants <> t.merchants OR i.team_merchants <> t.team_merchants OR i.stores <> t.stores`);

const STORE = `query($id: ID!) { store(id: $id) { id } }`;

describe('the identity the policies read', () => {
  it("follows the user's own row: a deactivated or deleted user is nobody, a reactivated one is back", async () => {
    const tenant = await createTenant(server);
    const ME = `{ me { email role } }`;
    const setUser = async (change: string) => {
      await sql(`UPDATE users SET ${change} WHERE email = $1`, [tenant.ownerEmail]);
      expect(await drifted()).toEqual([]);
    };
    expect((await server.ok(ME, {}, { token: tenant.ownerToken })).me).toEqual({
      email: tenant.ownerEmail,
      role: 'MERCHANT_OWNER',
    });
    await setUser('is_active = false');
    expect((await server.gql(ME, {}, { token: tenant.ownerToken })).errors?.[0].extensions.code).toBe(
      'UNAUTHENTICATED',
    );
    await setUser('is_active = true');
    expect((await server.ok(ME, {}, { token: tenant.ownerToken })).me.role).toBe('MERCHANT_OWNER');
    await setUser('deleted_at = now()');
    expect((await server.gql(ME, {}, { token: tenant.ownerToken })).errors?.[0].extensions.code).toBe(
      'UNAUTHENTICATED',
    );
  });

  it('follows team and store changes made through the API, and access follows it', async () => {
    const tenant = await createTenant(server, { platform: 'oms', stores: 2 });
    const second = { id: tenant.storeIds[1] };
    const staff = await addTeamMember(server, tenant.ownerToken, second.id);
    expect(await drifted()).toEqual([]);
    expect((await server.ok(STORE, { id: second.id }, { token: staff.token })).store).toEqual({ id: second.id });

    const deleted = await server.ok(
      `mutation($input: IdInput!) { deleteStore(input: $input) { deletedId userErrors { code } } }`,
      { input: { id: second.id } },
      { token: tenant.ownerToken },
    );
    expect(deleted.deleteStore.userErrors).toEqual([]);
    expect(await drifted()).toEqual([]);
    const [{ stores }] = await sql(
      `SELECT i.stores FROM orion.identities i JOIN users u ON u.id = i.user_id WHERE u.email = $1`,
      [staff.email],
    );
    expect(stores).toEqual([]);

    const restored = await server.ok(
      `mutation($input: IdInput!) { restoreStore(input: $input) { store { id } userErrors { code } } }`,
      { input: { id: second.id } },
      { token: await adminToken(server) },
    );
    expect(restored.restoreStore.userErrors).toEqual([]);
    expect(await drifted()).toEqual([]);
    expect((await server.ok(STORE, { id: second.id }, { token: staff.token })).store).toEqual({ id: second.id });
  });

  it('holds both of two memberships a user gains in concurrent transactions', async () => {
    const tenant = await createTenant(server, { stores: 2 });
    const [{ id: userId }] = await sql(
      `INSERT INTO users (email, role, password_hash) VALUES ($1, 'STORE_STAFF', NULL) RETURNING id`,
      [`concurrent-${Date.now()}@example.lu`],
    );
    const [a, b] = [server.dataSource.createQueryRunner(), server.dataSource.createQueryRunner()];
    try {
      await Promise.all([a.connect(), b.connect()]);
      await Promise.all([a.startTransaction(), b.startTransaction()]);
      const join = (runner: typeof a, storeId: string) =>
        runner.query(`INSERT INTO store_users (store_id, user_id, role, accepted_at) VALUES ($1, $2, 'STAFF', now())`, [
          dbId(storeId),
          userId,
        ]);
      await join(a, tenant.storeIds[0]);
      // b's recomputation waits for a's: it must then read a snapshot that holds a's membership.
      const second = join(b, tenant.storeIds[1]);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await a.commitTransaction();
      await second;
      await b.commitTransaction();
    } finally {
      await Promise.all([a.release(), b.release()]);
    }
    const [{ stores }] = await sql(`SELECT stores FROM orion.identities WHERE user_id = $1`, [userId]);
    expect(stores).toEqual(tenant.storeIds.map(dbId).sort((x, y) => x - y));
    expect(await drifted()).toEqual([]);
  });
});
