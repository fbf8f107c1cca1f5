import { leanEntities } from '../../src/db/lean';
import { User } from '../../src/entities/tenancy/user.entity';
import { addTeamMember, adminToken, createTenant, login, unique } from '../factories/tenancy';
import { ADMIN, TestServer } from '../support/server';

let server: TestServer;
beforeAll(async () => {
  server = await TestServer.start();
});
afterAll(() => server.stop());

const ME = `{ me { id email role isActive } }`;
const LOGIN = `mutation($input: LoginInput!) { login(input: $input) { token user { email role } userErrors { code message field } } }`;

describe('login and me', () => {
  it('signs the first ADMIN in from ADMIN_EMAIL/ADMIN_PASSWORD and answers me', async () => {
    const data = await server.ok(LOGIN, { input: ADMIN });
    expect(data.login.userErrors).toEqual([]);
    expect(data.login.user).toEqual({ email: ADMIN.email, role: 'ADMIN' });
    const me = await server.ok(ME, {}, { token: data.login.token });
    expect(me.me).toMatchObject({ email: ADMIN.email, role: 'ADMIN', isActive: true });
    expect(me.me.id).not.toMatch(/^\d+$/);
  });

  it('refuses a wrong password or unknown email with INVALID_CREDENTIALS and no token', async () => {
    for (const input of [
      { ...ADMIN, password: 'wrong-password' },
      { email: 'nobody@example.lu', password: 'whatever1' },
    ]) {
      const data = await server.ok(LOGIN, { input });
      expect(data.login.token).toBeNull();
      expect(data.login.userErrors).toEqual([
        { code: 'INVALID_CREDENTIALS', message: expect.any(String), field: ['password'] },
      ]);
    }
  });

  it('rejects a malformed email before it reaches the service', async () => {
    const result = await server.gql(LOGIN, { input: { email: 'not-an-email', password: 'x' } });
    expect(result.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    // A variable that does not coerce is a bad request, under graphql-jit as under graphql-js.
    expect(result.status).toBe(400);
    expect(result.data).toBeUndefined();
  });

  it('answers UNAUTHENTICATED for me without a token, and 401 for a bad token', async () => {
    const anonymous = await server.gql(ME);
    expect(anonymous.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(anonymous.data?.me ?? null).toBeNull();

    const forged = await server.gql(ME, {}, { token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJWWE5sY2pveCJ9.forged' });
    expect(forged.status).toBe(401);
    expect(forged.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a MERCHANT_OWNER an ADMIN-only operation with FORBIDDEN', async () => {
    const tenant = await createTenant(server);
    const result = await server.gql(`{ merchants { totalCount } }`, {}, { token: tenant.ownerToken });
    expect(result.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const create = await server.gql(
      `mutation($input: CreateMerchantInput!) { createMerchant(input: $input) { merchant { id } } }`,
      {
        input: {
          name: 'X',
          contactEmail: 'x@example.lu',
          owner: { email: `${unique()}@example.lu`, password: 'password1' },
        },
      },
      { token: tenant.ownerToken },
    );
    expect(create.errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect(create.data).toBeNull();
  });

  it('stops honouring the token of a user whose merchant owner account is gone', async () => {
    const tenant = await createTenant(server);
    await server.dataSource.query(`UPDATE users SET is_active = false WHERE email = $1`, [tenant.ownerEmail]);
    const result = await server.gql(ME, {}, { token: tenant.ownerToken });
    expect(result.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('stores only a slow salted hash of the password', async () => {
    const tenant = await createTenant(server);
    const [row] = await server.dataSource.query(`SELECT password_hash FROM users WHERE email = $1`, [
      tenant.ownerEmail,
    ]);
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(row.password_hash).not.toContain('owner-password');
  });
});

describe('team invitations', () => {
  const INVITE = `mutation($input: InviteTeamMemberInput!) {
    inviteTeamMember(input: $input) { storeUser { id role acceptedAt user { email } } invitationToken userErrors { code field } }
  }`;
  const ACCEPT = `mutation($input: AcceptInvitationInput!) {
    acceptInvitation(input: $input) { token user { email role } userErrors { code field } }
  }`;

  it('lets an invitee accept once, sign in, and see the store', async () => {
    const tenant = await createTenant(server, { platform: 'oms' });
    const email = `${unique('staff-')}@example.lu`;
    const invited = await server.ok(
      INVITE,
      { input: { storeId: tenant.storeId, email, name: 'Ana', role: 'STAFF' } },
      { token: tenant.ownerToken },
    );
    expect(invited.inviteTeamMember.userErrors).toEqual([]);
    expect(invited.inviteTeamMember.storeUser).toMatchObject({ role: 'STAFF', acceptedAt: null, user: { email } });
    const invitationToken = invited.inviteTeamMember.invitationToken;

    const accepted = await server.ok(ACCEPT, { input: { token: invitationToken, password: 'staff-password' } });
    expect(accepted.acceptInvitation.user).toEqual({ email, role: 'STORE_STAFF' });
    const staffToken = accepted.acceptInvitation.token;
    const store = await server.ok(
      `query($id: ID!) { store(id: $id) { id team { role user { email } acceptedAt } } }`,
      { id: tenant.storeId },
      { token: staffToken },
    );
    expect(store.store.id).toBe(tenant.storeId);
    expect(store.store.team).toEqual([{ role: 'STAFF', user: { email }, acceptedAt: expect.any(String) }]);

    const again = await server.ok(ACCEPT, { input: { token: invitationToken, password: 'staff-password' } });
    expect(again.acceptInvitation.token).toBeNull();
    expect(again.acceptInvitation.userErrors).toEqual([{ code: 'NOT_FOUND', field: ['token'] }]);
    expect(await login(server, email, 'staff-password')).toEqual(expect.any(String));
  });

  it('refuses a second invitation of the same person with ALREADY_EXISTS', async () => {
    const tenant = await createTenant(server, { platform: 'oms' });
    const member = await addTeamMember(server, tenant.ownerToken, tenant.storeId);
    const again = await server.ok(
      INVITE,
      { input: { storeId: tenant.storeId, email: member.email, role: 'MANAGER' } },
      { token: tenant.ownerToken },
    );
    expect(again.inviteTeamMember.userErrors).toEqual([{ code: 'ALREADY_EXISTS', field: ['email'] }]);
  });

  it('makes an existing user prove their password to accept', async () => {
    const tenant = await createTenant(server, { platform: 'oms' });
    const other = await createTenant(server, { platform: 'oms' });
    const member = await addTeamMember(server, tenant.ownerToken, tenant.storeId);
    const invited = await server.ok(
      INVITE,
      { input: { storeId: other.storeId, email: member.email, role: 'STAFF' } },
      { token: other.ownerToken },
    );
    const wrong = await server.ok(ACCEPT, {
      input: { token: invited.inviteTeamMember.invitationToken, password: 'not-their-password' },
    });
    expect(wrong.acceptInvitation.userErrors).toEqual([{ code: 'INVALID_CREDENTIALS', field: ['password'] }]);
    const right = await server.ok(ACCEPT, {
      input: { token: invited.inviteTeamMember.invitationToken, password: 'staff-password' },
    });
    expect(right.acceptInvitation.userErrors).toEqual([]);
  });

  it('lets staff read their store but not manage it', async () => {
    const tenant = await createTenant(server, { platform: 'oms' });
    const staff = await addTeamMember(server, tenant.ownerToken, tenant.storeId);
    const update = await server.ok(
      `mutation($input: UpdateStoreInput!) { updateStore(input: $input) { store { id } userErrors { code } } }`,
      { input: { id: tenant.storeId, name: 'Renamed by staff' } },
      { token: staff.token },
    );
    expect(update.updateStore).toEqual({ store: null, userErrors: [{ code: 'NOT_FOUND' }] });
    const admin = await adminToken(server);
    const store = await server.ok(
      `query($id: ID!) { store(id: $id) { name } }`,
      { id: tenant.storeId },
      { token: admin },
    );
    expect(store.store.name).not.toBe('Renamed by staff');
  });
});

describe('lean reads', () => {
  it('leave out the columns TypeORM never selects: a loaded user carries no password hash', async () => {
    const tenant = await createTenant(server);
    const [{ id }] = await server.dataSource.query(`SELECT id FROM users WHERE email = $1`, [tenant.ownerEmail]);
    const [stored] = await server.dataSource.query(`SELECT password_hash FROM users WHERE id = $1`, [id]);
    expect(stored.password_hash).toEqual(expect.any(String));
    const [user] = await leanEntities(server.dataSource.manager, User, `SELECT * FROM users t WHERE t.id = $1`, [id]);
    expect(user).toMatchObject({ id, email: tenant.ownerEmail });
    expect(user).not.toHaveProperty('passwordHash');
  });
});
