import { createTenant, type Tenant } from '../factories/tenancy';
import { TestServer } from '../support/server';

let server: TestServer;
beforeAll(async () => {
  server = await TestServer.start();
});
afterAll(() => server.stop());

const CHANGE = `mutation($input: ChangeSubscriptionTierInput!) { changeSubscriptionTier(input: $input) { userErrors { code } } }`;
async function upgrade(tenant: Tenant, tierCode: string) {
  const data = await server.ok(
    CHANGE,
    { input: { storeId: tenant.storeId, platformCode: 'oms', tierCode } },
    { token: tenant.ownerToken },
  );
  expect(data.changeSubscriptionTier.userErrors).toEqual([]);
}

const ANALYTICS = `query($id: ID!, $from: DateTime!, $to: DateTime!) { storeAnalytics(storeId: $id, from: $from, to: $to) {
  days { date currency orders revenueCents } userErrors { code message field } } }`;

describe('analytics_dashboard', () => {
  it('refuses on essential naming the tier that unlocks it, then reports orders and revenue per day', async () => {
    const tenant = await createTenant(server, { platform: 'oms' });
    const to = new Date();
    const from = new Date(to.getTime() - 2 * 86_400_000);
    const locked = await server.ok(ANALYTICS, { id: tenant.storeId, from, to }, { token: tenant.ownerToken });
    expect(locked.storeAnalytics).toEqual({
      days: null,
      userErrors: [
        {
          code: 'FEATURE_NOT_AVAILABLE',
          message: 'Analytics dashboard needs the Business tier (business)',
          field: ['storeId'],
        },
      ],
    });

    await upgrade(tenant, 'business');
    for (const totalCents of [1250, 750]) {
      await server.ok(
        `mutation($input: CreateOrderInput!) { createOrder(input: $input) { order { id } } }`,
        { input: { storeId: tenant.storeId, totalCents } },
        { token: tenant.ownerToken },
      );
    }
    const open = await server.ok(ANALYTICS, { id: tenant.storeId, from, to: new Date() }, { token: tenant.ownerToken });
    expect(open.storeAnalytics.userErrors).toEqual([]);
    const days = open.storeAnalytics.days;
    expect(days).toHaveLength(3);
    expect(days.slice(0, 2).map((d: { orders: number }) => d.orders)).toEqual([0, 0]);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Luxembourg' }).format(new Date());
    expect(days[2]).toEqual({ date: today, currency: 'EUR', orders: 2, revenueCents: 2000 });
  });

  it('rejects a reversed range, and answers NOT_FOUND for another merchant without revealing its tier', async () => {
    const tenant = await createTenant(server, { platform: 'oms' });
    await upgrade(tenant, 'business');
    const reversed = await server.gql(
      ANALYTICS,
      { id: tenant.storeId, from: new Date(), to: new Date(Date.now() - 86_400_000) },
      { token: tenant.ownerToken },
    );
    expect(reversed.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    const other = await createTenant(server, { platform: 'oms' });
    const foreign = await server.ok(
      ANALYTICS,
      { id: tenant.storeId, from: new Date(), to: new Date() },
      { token: other.ownerToken },
    );
    expect(foreign.storeAnalytics.userErrors).toEqual([
      { code: 'NOT_FOUND', message: 'Store not found', field: ['storeId'] },
    ]);
  });
});

describe('team_roles', () => {
  it('lets only tiers with team roles invite a MANAGER', async () => {
    const tenant = await createTenant(server, { platform: 'oms' });
    const INVITE = `mutation($input: InviteTeamMemberInput!) { inviteTeamMember(input: $input) { storeUser { role } userErrors { code message } } }`;
    const input = { storeId: tenant.storeId, email: 'manager@example.lu', role: 'MANAGER' };
    const locked = await server.ok(INVITE, { input }, { token: tenant.ownerToken });
    expect(locked.inviteTeamMember).toEqual({
      storeUser: null,
      userErrors: [{ code: 'FEATURE_NOT_AVAILABLE', message: expect.stringContaining('Business') }],
    });
    await upgrade(tenant, 'business');
    const open = await server.ok(INVITE, { input }, { token: tenant.ownerToken });
    expect(open.inviteTeamMember).toEqual({ storeUser: { role: 'MANAGER' }, userErrors: [] });
  });
});

describe('customer_export (an HTTP route outside GraphQL)', () => {
  async function download(tenant: Tenant, token?: string) {
    const response = await fetch(`${server.url}/stores/${tenant.storeId}/customers.csv`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
  }

  it('refuses below Professional, then exports safely quoted CSV to the team', async () => {
    const tenant = await createTenant(server, { platform: 'oms' });
    for (const customer of [
      { email: 'ana@example.lu', name: 'Silva, Ana', phone: '+352 621 000 000' },
      { email: 'eve@example.lu', name: '=HYPERLINK("http://x")' },
    ]) {
      await server.ok(
        `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }`,
        { input: { storeId: tenant.storeId, ...customer } },
        { token: tenant.ownerToken },
      );
    }
    const locked = await download(tenant, tenant.ownerToken);
    expect(locked.status).toBe(403);
    expect(JSON.parse(locked.body)).toEqual({
      code: 'FEATURE_NOT_AVAILABLE',
      message: 'Customer export needs the Professional tier (professional)',
    });

    await upgrade(tenant, 'professional');
    const csv = await download(tenant, tenant.ownerToken);
    expect(csv.status).toBe(200);
    expect(csv.type).toMatch(/^text\/csv/);
    const lines = csv.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe('email,name,phone,created_at');
    expect(lines[1]).toMatch(/^ana@example\.lu,"Silva, Ana",\+352 621 000 000,\d{4}-/);
    expect(lines[2]).toMatch(/^eve@example\.lu,"'=HYPERLINK\(""http:\/\/x""\)",,/);
  });

  it('answers 401 without a token and 404 for another merchant', async () => {
    const tenant = await createTenant(server, { platform: 'oms' });
    await upgrade(tenant, 'professional');
    expect((await download(tenant)).status).toBe(401);
    expect((await download(tenant, 'forged')).status).toBe(401);
    const other = await createTenant(server, { platform: 'oms' });
    const foreign = await download(tenant, other.ownerToken);
    expect(foreign.status).toBe(404);
    expect(JSON.parse(foreign.body).code).toBe('NOT_FOUND');
  });
});
