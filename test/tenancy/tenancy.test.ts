import { adminToken, createTenant, joinPlatform, unique } from '../factories/tenancy';
import { TestServer } from '../support/server';

let server: TestServer;
beforeAll(async () => {
  server = await TestServer.start();
});
afterAll(() => server.stop());

const CREATE_STORE = `mutation($input: CreateStoreInput!) {
  createStore(input: $input) { store { id storeCode subdomain name isActive merchant { id } } userErrors { code message field } }
}`;

describe('platforms', () => {
  it('has oms and loyalty after migrations, public to anyone', async () => {
    const data = await server.ok(
      `{ platforms { id code name domain isActive } platform(code: "loyalty") { code domain } }`,
    );
    expect(data.platforms.map((p: { code: string }) => p.code)).toEqual(expect.arrayContaining(['oms', 'loyalty']));
    expect(data.platform).toEqual({ code: 'loyalty', domain: 'loyalty.localhost' });
  });

  it('lets ADMIN update a platform and refuses others', async () => {
    const admin = await adminToken(server);
    const { platform } = await server.ok(`{ platform(code: "oms") { id } }`);
    const UPDATE = `mutation($input: UpdatePlatformInput!) { updatePlatform(input: $input) { platform { description settings } userErrors { code } } }`;
    const input = { id: platform.id, description: 'Orders for merchants', settings: { currency: 'EUR' } };
    const data = await server.ok(UPDATE, { input }, { token: admin });
    expect(data.updatePlatform).toEqual({
      platform: { description: 'Orders for merchants', settings: { currency: 'EUR' } },
      userErrors: [],
    });
    const tenant = await createTenant(server);
    const refused = await server.gql(UPDATE, { input }, { token: tenant.ownerToken });
    expect(refused.errors?.[0].extensions.code).toBe('FORBIDDEN');
  });
});

describe('merchants and stores', () => {
  it('creates a merchant with its owner, who then creates and updates stores', async () => {
    const tenant = await createTenant(server);
    const merchant = await server.ok(
      `query($id: ID!) { merchant(id: $id) { id name contactEmail isActive stores { id storeCode } } }`,
      { id: tenant.merchantId },
      { token: tenant.ownerToken },
    );
    expect(merchant.merchant).toMatchObject({ id: tenant.merchantId, contactEmail: tenant.ownerEmail, isActive: true });
    expect(merchant.merchant.stores).toEqual([{ id: tenant.storeId, storeCode: tenant.storeCode }]);

    const updated = await server.ok(
      `mutation($input: UpdateStoreInput!) { updateStore(input: $input) { store { name isActive } userErrors { code } } }`,
      { input: { id: tenant.storeId, name: 'Boulangerie Kirchberg', isActive: false } },
      { token: tenant.ownerToken },
    );
    expect(updated.updateStore).toEqual({ store: { name: 'Boulangerie Kirchberg', isActive: false }, userErrors: [] });
  });

  it('normalises codes and refuses a live duplicate store code or subdomain with ALREADY_EXISTS on the field', async () => {
    const tenant = await createTenant(server);
    const code = unique('c');
    const created = await server.ok(
      CREATE_STORE,
      { input: { merchantId: tenant.merchantId, name: 'A', storeCode: code, subdomain: code.toUpperCase() } },
      { token: tenant.ownerToken },
    );
    expect(created.createStore.store).toMatchObject({
      storeCode: code.toUpperCase(),
      subdomain: code,
      merchant: { id: tenant.merchantId },
    });
    const sameCode = await server.ok(
      CREATE_STORE,
      { input: { merchantId: tenant.merchantId, name: 'B', storeCode: code, subdomain: unique('s') } },
      { token: tenant.ownerToken },
    );
    expect(sameCode.createStore).toEqual({
      store: null,
      userErrors: [{ code: 'ALREADY_EXISTS', message: expect.any(String), field: ['storeCode'] }],
    });
    const sameSubdomain = await server.ok(
      CREATE_STORE,
      { input: { merchantId: tenant.merchantId, name: 'B', storeCode: unique('c'), subdomain: code } },
      { token: tenant.ownerToken },
    );
    expect(sameSubdomain.createStore.userErrors).toEqual([
      { code: 'ALREADY_EXISTS', message: expect.any(String), field: ['subdomain'] },
    ]);
  });

  it('answers invalid input with BAD_USER_INPUT listing each field and constraint', async () => {
    const tenant = await createTenant(server);
    const result = await server.gql(
      CREATE_STORE,
      { input: { merchantId: tenant.merchantId, name: '', storeCode: 'x', subdomain: '-bad-' } },
      { token: tenant.ownerToken },
    );
    expect(result.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    const errors: Array<{ property: string; constraints: Record<string, string> }> =
      result.errors?.[0].extensions.validationErrors;
    const fields = errors.map((e) => e.property);
    expect(errors.every((e) => Object.keys(e.constraints).length > 0)).toBe(true);
    expect(fields).toEqual(expect.arrayContaining(['name', 'storeCode', 'subdomain']));
    const count = await server.dataSource.query(
      `SELECT count(*)::int AS n FROM stores WHERE merchant_id = (SELECT id FROM merchants WHERE contact_email = $1)`,
      [tenant.ownerEmail],
    );
    expect(count[0].n).toBe(1);
  });

  it('lets exactly one of concurrent creations with the same store code win', async () => {
    const tenant = await createTenant(server);
    const code = unique('race');
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        server.ok(
          CREATE_STORE,
          { input: { merchantId: tenant.merchantId, name: `R${i}`, storeCode: code, subdomain: unique('r') } },
          { token: tenant.ownerToken },
        ),
      ),
    );
    const winners = results.filter((r) => r.createStore.store);
    expect(winners).toHaveLength(1);
    for (const loser of results.filter((r) => !r.createStore.store)) {
      expect(loser.createStore.userErrors).toEqual([
        { code: 'ALREADY_EXISTS', message: expect.any(String), field: ['storeCode'] },
      ]);
    }
  });

  it('lists stores as a capped Relay connection with cursors and a total', async () => {
    const tenant = await createTenant(server, { stores: 5 });
    const PAGE = `query($first: Int, $after: String) { stores(first: $first, after: $after) {
      edges { cursor node { id } } pageInfo { hasNextPage endCursor } totalCount } }`;
    const first = await server.ok(PAGE, { first: 3 }, { token: tenant.ownerToken });
    expect(first.stores.totalCount).toBe(5);
    expect(first.stores.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(tenant.storeIds.slice(0, 3));
    expect(first.stores.pageInfo.hasNextPage).toBe(true);
    const second = await server.ok(
      PAGE,
      { first: 3, after: first.stores.pageInfo.endCursor },
      { token: tenant.ownerToken },
    );
    expect(second.stores.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(tenant.storeIds.slice(3));
    expect(second.stores.pageInfo.hasNextPage).toBe(false);

    const tooMany = await server.gql(PAGE, { first: 101 }, { token: tenant.ownerToken });
    expect(tooMany.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    const badCursor = await server.gql(PAGE, { first: 3, after: 'bm90LWEtY3Vyc29y' }, { token: tenant.ownerToken });
    expect(badCursor.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('filters stores by merchant and platform', async () => {
    const tenant = await createTenant(server, { stores: 2 });
    await joinPlatform(server, tenant.ownerToken, tenant.storeIds[1], 'loyalty');
    const admin = await adminToken(server);
    const data = await server.ok(
      `query($m: ID!) { all: stores(merchantId: $m) { totalCount } loyalty: stores(merchantId: $m, platformCode: "loyalty") { edges { node { id } } } }`,
      { m: tenant.merchantId },
      { token: admin },
    );
    expect(data.all.totalCount).toBe(2);
    expect(data.loyalty.edges).toEqual([{ node: { id: tenant.storeIds[1] } }]);
  });
});

describe('platform memberships', () => {
  const ADD = `mutation($input: AddStoreToPlatformInput!) {
    addStoreToPlatform(input: $input) { storePlatform { id isPrimary isActive customSubdomain settings joinedAt platform { code } store { id } } userErrors { code field } }
  }`;

  it('adds a store to platforms, makes the first primary and refuses a second membership', async () => {
    const tenant = await createTenant(server);
    const oms = await server.ok(
      ADD,
      { input: { storeId: tenant.storeId, platformCode: 'oms', settings: { a: 1 } } },
      { token: tenant.ownerToken },
    );
    expect(oms.addStoreToPlatform.storePlatform).toMatchObject({
      isPrimary: true,
      isActive: true,
      settings: { a: 1 },
      platform: { code: 'oms' },
      store: { id: tenant.storeId },
    });
    const loyalty = await server.ok(
      ADD,
      { input: { storeId: tenant.storeId, platformCode: 'loyalty' } },
      { token: tenant.ownerToken },
    );
    expect(loyalty.addStoreToPlatform.storePlatform.isPrimary).toBe(false);
    const again = await server.ok(
      ADD,
      { input: { storeId: tenant.storeId, platformCode: 'oms' } },
      { token: tenant.ownerToken },
    );
    expect(again.addStoreToPlatform).toEqual({
      storePlatform: null,
      userErrors: [{ code: 'ALREADY_EXISTS', field: ['platformCode'] }],
    });
    const unknown = await server.ok(
      ADD,
      { input: { storeId: tenant.storeId, platformCode: 'nope' } },
      { token: tenant.ownerToken },
    );
    expect(unknown.addStoreToPlatform.userErrors).toEqual([{ code: 'NOT_FOUND', field: ['platformCode'] }]);

    const store = await server.ok(
      `query($id: ID!) { store(id: $id) { platforms { platform { code } isPrimary } primaryPlatform { platform { code } } } }`,
      { id: tenant.storeId },
      { token: tenant.ownerToken },
    );
    expect(store.store.primaryPlatform).toEqual({ platform: { code: 'oms' } });
    expect(store.store.platforms).toHaveLength(2);
  });

  it('moves the primary flag and keeps exactly one primary under concurrent changes', async () => {
    const tenant = await createTenant(server);
    const oms = await joinPlatform(server, tenant.ownerToken, tenant.storeId, 'oms');
    const loyalty = await joinPlatform(server, tenant.ownerToken, tenant.storeId, 'loyalty');
    const SET = `mutation($input: SetPrimaryPlatformInput!) { setPrimaryPlatform(input: $input) { store { primaryPlatform { id } } userErrors { code } } }`;
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        server.ok(SET, { input: { storePlatformId: i % 2 ? oms.id : loyalty.id } }, { token: tenant.ownerToken }),
      ),
    );
    expect(results.every((r) => r.setPrimaryPlatform.userErrors.length === 0)).toBe(true);
    const rows = await server.dataSource.query(
      `SELECT count(*)::int AS n FROM store_platforms sp JOIN stores s ON s.id = sp.store_id WHERE s.store_code = $1 AND sp.is_primary`,
      [tenant.storeCode],
    );
    expect(rows[0].n).toBe(1);
  });

  it('updates and removes a membership', async () => {
    const tenant = await createTenant(server);
    const membership = await joinPlatform(server, tenant.ownerToken, tenant.storeId, 'loyalty');
    const sub = unique('vip');
    const updated = await server.ok(
      `mutation($input: UpdateStorePlatformInput!) { updateStorePlatform(input: $input) { storePlatform { isActive customSubdomain settings } userErrors { code } } }`,
      { input: { id: membership.id, isActive: false, customSubdomain: sub, settings: { stamps: true } } },
      { token: tenant.ownerToken },
    );
    expect(updated.updateStorePlatform.storePlatform).toEqual({
      isActive: false,
      customSubdomain: sub,
      settings: { stamps: true },
    });
    const removed = await server.ok(
      `mutation($input: IdInput!) { removeStoreFromPlatform(input: $input) { deletedId userErrors { code } } }`,
      { input: { id: membership.id } },
      { token: tenant.ownerToken },
    );
    expect(removed.removeStoreFromPlatform).toEqual({ deletedId: membership.id, userErrors: [] });
    const store = await server.ok(
      `query($id: ID!) { store(id: $id) { platforms { id } } }`,
      { id: tenant.storeId },
      { token: tenant.ownerToken },
    );
    expect(store.store.platforms).toEqual([]);
    // Re-joining after removal is allowed: uniqueness counts live memberships only.
    await expect(joinPlatform(server, tenant.ownerToken, tenant.storeId, 'loyalty')).resolves.toMatchObject({
      isPrimary: true,
    });
  });
});

describe('platform context', () => {
  const CONTEXT = `{ currentPlatform { code } currentStore { id name } }`;

  it('comes from the /platforms/{code}/ prefix', async () => {
    const data = await server.ok(CONTEXT, {}, { path: '/platforms/loyalty/graphql' });
    expect(data).toEqual({ currentPlatform: { code: 'loyalty' }, currentStore: null });
  });

  it('comes from the Host header: the platform domain, and a store by subdomain or custom subdomain', async () => {
    const tenant = await createTenant(server, { stores: 2 });
    await joinPlatform(server, tenant.ownerToken, tenant.storeIds[0], 'loyalty');
    const custom = unique('vip');
    await joinPlatform(server, tenant.ownerToken, tenant.storeIds[1], 'loyalty', { customSubdomain: custom });
    const second = await server.ok(
      `query($id: ID!) { store(id: $id) { subdomain } }`,
      { id: tenant.storeIds[1] },
      { token: tenant.ownerToken },
    );

    expect(await server.ok(CONTEXT, {}, { host: 'loyalty.localhost:4000' })).toEqual({
      currentPlatform: { code: 'loyalty' },
      currentStore: null,
    });
    const bySubdomain = await server.ok(CONTEXT, {}, { host: `${tenant.subdomain}.loyalty.localhost:4000` });
    expect(bySubdomain.currentStore.id).toBe(tenant.storeIds[0]);
    const byCustom = await server.ok(CONTEXT, {}, { host: `${custom}.loyalty.localhost` });
    expect(byCustom.currentStore.id).toBe(tenant.storeIds[1]);
    // A store not on the oms platform is not found through the oms domain.
    expect((await server.ok(CONTEXT, {}, { host: `${second.store.subdomain}.oms.localhost` })).currentStore).toBeNull();
    expect(await server.ok(CONTEXT, {}, { host: 'example.com' })).toEqual({
      currentPlatform: null,
      currentStore: null,
    });
  });

  it('is never an inactive platform, which stays in the catalogue for ADMIN to reopen', async () => {
    const code = unique('closed');
    await server.sql(`INSERT INTO platforms (code, name, domain, is_active) VALUES ($1, 'Closed', $2, false)`, [
      code,
      `${code}.localhost`,
    ]);
    const none = { currentPlatform: null, currentStore: null };
    expect(await server.ok(CONTEXT, {}, { path: `/platforms/${code}/graphql` })).toEqual(none);
    expect(await server.ok(CONTEXT, {}, { host: `${code}.localhost` })).toEqual(none);
    expect(await server.ok(CONTEXT, {}, { host: `shop.${code}.localhost` })).toEqual(none);
    const { platform } = await server.ok(`query($code: String!) { platform(code: $code) { code isActive } }`, { code });
    expect(platform).toEqual({ code, isActive: false });
    // ... and it takes no new members.
    const tenant = await createTenant(server);
    const joined = await server.ok(
      `mutation($input: AddStoreToPlatformInput!) { addStoreToPlatform(input: $input) { storePlatform { id } userErrors { code field } } }`,
      { input: { storeId: tenant.storeId, platformCode: code } },
      { token: tenant.ownerToken },
    );
    expect(joined.addStoreToPlatform).toEqual({
      storePlatform: null,
      userErrors: [{ code: 'INVALID_STATE', field: ['platformCode'] }],
    });
  });

  it('keeps a store found by host private beyond its public fields', async () => {
    const tenant = await createTenant(server);
    await joinPlatform(server, tenant.ownerToken, tenant.storeId, 'loyalty');
    const result = await server.gql(
      `{ currentStore { name team { id } } }`,
      {},
      { host: `${tenant.subdomain}.loyalty.localhost` },
    );
    expect(result.data.currentStore).toBeNull();
    expect(result.errors?.[0].extensions.code).toBe('FORBIDDEN');
  });
});

describe('query limits and errors', () => {
  it('refuses a query deeper than the limit with QUERY_TOO_COMPLEX', async () => {
    const tenant = await createTenant(server);
    let selection = 'id';
    for (let i = 0; i < 8; i++) selection = `merchant { stores { ${selection} } }`;
    const result = await server.gql(
      `query($id: ID!) { store(id: $id) { ${selection} } }`,
      { id: tenant.storeId },
      { token: tenant.ownerToken },
    );
    expect(result.errors?.[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
    expect(result.data ?? null).toBeNull();
  });

  it('creates products, customers and orders for the store team', async () => {
    const tenant = await createTenant(server, { platform: 'oms' });
    const customer = await server.ok(
      `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id email } userErrors { code } } }`,
      { input: { storeId: tenant.storeId, email: 'Marie@Example.lu', name: 'Marie' } },
      { token: tenant.ownerToken },
    );
    expect(customer.createCustomer.customer.email).toBe('marie@example.lu');
    const product = await server.ok(
      `mutation($input: CreateProductInput!) { createProduct(input: $input) { product { sku priceCents } userErrors { code } } }`,
      { input: { storeId: tenant.storeId, sku: 'BREAD-1', name: 'Bread', priceCents: 350 } },
      { token: tenant.ownerToken },
    );
    expect(product.createProduct.product).toEqual({ sku: 'BREAD-1', priceCents: 350 });
    const order = await server.ok(
      `mutation($input: CreateOrderInput!) { createOrder(input: $input) { order { totalCents currency customer { id } } userErrors { code } } }`,
      { input: { storeId: tenant.storeId, totalCents: 1250, customerId: customer.createCustomer.customer.id } },
      { token: tenant.ownerToken },
    );
    expect(order.createOrder.order).toEqual({
      totalCents: 1250,
      currency: 'EUR',
      customer: { id: customer.createCustomer.customer.id },
    });
    const negative = await server.gql(
      `mutation($input: CreateProductInput!) { createProduct(input: $input) { product { sku } } }`,
      { input: { storeId: tenant.storeId, sku: 'X', name: 'X', priceCents: -1 } },
      { token: tenant.ownerToken },
    );
    expect(negative.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    const listed = await server.ok(
      `query($id: ID!) { store(id: $id) { customers { totalCount } products { edges { node { sku } } } orders { totalCount } } }`,
      { id: tenant.storeId },
      { token: tenant.ownerToken },
    );
    expect(listed.store).toEqual({
      customers: { totalCount: 1 },
      products: { edges: [{ node: { sku: 'BREAD-1' } }] },
      orders: { totalCount: 1 },
    });
  });
});
