import { addTeamMember, createStore, createTenant, joinPlatform, type Tenant } from '../factories/tenancy';
import { TestServer } from '../support/server';

let server: TestServer;
let a: Tenant & { storeIds: string[] };
let b: Tenant & { storeIds: string[] };
let bIds: Record<string, string>;

beforeAll(async () => {
  server = await TestServer.start();
  [a, b] = await Promise.all([createTenant(server), createTenant(server)]);
  await joinPlatform(server, a.ownerToken, a.storeId, 'oms');
  const membership = await joinPlatform(server, b.ownerToken, b.storeId, 'oms');
  const staff = await addTeamMember(server, b.ownerToken, b.storeId);
  const made = await server.ok(
    `mutation($c: CreateCustomerInput!, $p: CreateProductInput!) {
       c: createCustomer(input: $c) { customer { id } }
       p: createProduct(input: $p) { product { id } }
     }`,
    {
      c: { storeId: b.storeId, email: 'b-customer@example.lu' },
      p: { storeId: b.storeId, sku: 'B-1', name: 'B', priceCents: 1 },
    },
    { token: b.ownerToken },
  );
  const order = await server.ok(
    `mutation($o: CreateOrderInput!) { createOrder(input: $o) { order { id } } }`,
    { o: { storeId: b.storeId, totalCents: 100, customerId: made.c.customer.id } },
    { token: b.ownerToken },
  );
  bIds = {
    Merchant: b.merchantId,
    Store: b.storeId,
    StorePlatform: membership.id,
    StoreUser: staff.storeUserId,
    Customer: made.c.customer.id,
    Product: made.p.product.id,
    Order: order.createOrder.order.id,
  };
});
afterAll(() => server.stop());

describe("an owner of merchant A and merchant B's data", () => {
  it('sees none of B through node, nodes, merchant or store', async () => {
    for (const [type, id] of Object.entries(bIds)) {
      const data = await server.ok(`query($id: ID!) { node(id: $id) { id } }`, { id }, { token: a.ownerToken });
      expect({ type, node: data.node }).toEqual({ type, node: null });
    }
    const many = await server.ok(
      `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`,
      { ids: Object.values(bIds) },
      { token: a.ownerToken },
    );
    expect(many.nodes).toEqual(Object.values(bIds).map(() => null));
    const direct = await server.ok(
      `query($m: ID!, $s: ID!) { merchant(id: $m) { id } store(id: $s) { id } }`,
      { m: b.merchantId, s: b.storeId },
      { token: a.ownerToken },
    );
    expect(direct).toEqual({ merchant: null, store: null });
  });

  it('while B sees every one of them', async () => {
    for (const [type, id] of Object.entries(bIds)) {
      const data = await server.ok(
        `query($id: ID!) { node(id: $id) { id __typename } }`,
        { id },
        { token: b.ownerToken },
      );
      expect(data.node).toEqual({ id, __typename: type });
    }
  });

  it('lists only its own stores, even when filtering by B', async () => {
    const data = await server.ok(
      `query($m: ID!) { mine: stores { edges { node { id } } totalCount } theirs: stores(merchantId: $m) { totalCount } }`,
      { m: b.merchantId },
      { token: a.ownerToken },
    );
    expect(data.mine).toEqual({ edges: [{ node: { id: a.storeId } }], totalCount: 1 });
    expect(data.theirs.totalCount).toBe(0);
  });

  it('changes nothing of B through any mutation: each answers NOT_FOUND', async () => {
    const attempts: Array<[string, string, Record<string, unknown>]> = [
      ['updateStore', 'UpdateStoreInput', { id: b.storeId, name: 'hijacked' }],
      ['deleteStore', 'IdInput', { id: b.storeId }],
      [
        'createStore',
        'CreateStoreInput',
        { merchantId: b.merchantId, name: 'x', storeCode: 'HIJACK1', subdomain: 'hijack1' },
      ],
      ['addStoreToPlatform', 'AddStoreToPlatformInput', { storeId: b.storeId, platformCode: 'loyalty' }],
      ['updateStorePlatform', 'UpdateStorePlatformInput', { id: bIds.StorePlatform, isActive: false }],
      ['setPrimaryPlatform', 'SetPrimaryPlatformInput', { storePlatformId: bIds.StorePlatform }],
      ['removeStoreFromPlatform', 'IdInput', { id: bIds.StorePlatform }],
      ['inviteTeamMember', 'InviteTeamMemberInput', { storeId: b.storeId, email: 'spy@example.lu', role: 'MANAGER' }],
      ['createProduct', 'CreateProductInput', { storeId: b.storeId, sku: 'SPY', name: 'x', priceCents: 1 }],
      ['createCustomer', 'CreateCustomerInput', { storeId: b.storeId, email: 'spy@example.lu' }],
      ['createOrder', 'CreateOrderInput', { storeId: b.storeId, totalCents: 1 }],
      ['createOrder', 'CreateOrderInput', { storeId: a.storeId, totalCents: 1, customerId: bIds.Customer }],
    ];
    for (const [mutation, inputType, input] of attempts) {
      const data = await server.ok(
        `mutation($input: ${inputType}!) { ${mutation}(input: $input) { userErrors { code } } }`,
        { input },
        { token: a.ownerToken },
      );
      expect({ mutation, errors: data[mutation].userErrors }).toEqual({ mutation, errors: [{ code: 'NOT_FOUND' }] });
    }
    const b1 = await server.ok(
      `query($id: ID!) { store(id: $id) { name team { id } platforms { isActive isPrimary } products { totalCount } customers { totalCount } orders { totalCount } } }`,
      { id: b.storeId },
      { token: b.ownerToken },
    );
    expect(b1.store).toMatchObject({
      team: [{ id: bIds.StoreUser }],
      platforms: [{ isActive: true, isPrimary: true }],
    });
    expect(b1.store.name).not.toBe('hijacked');
    expect([b1.store.products.totalCount, b1.store.customers.totalCount, b1.store.orders.totalCount]).toEqual([
      1, 1, 1,
    ]);
  });

  it("keeps a store's staff to that store: another store of the same merchant is out of scope", async () => {
    const second = await createStore(server, a.ownerToken, a.merchantId);
    await joinPlatform(server, a.ownerToken, second.id, 'oms');
    const staff = await addTeamMember(server, a.ownerToken, a.storeId);
    const data = await server.ok(
      `query($s1: ID!, $s2: ID!, $m: ID!) { s1: store(id: $s1) { id } s2: store(id: $s2) { id } merchant(id: $m) { stores { id } } stores { totalCount } }`,
      { s1: a.storeId, s2: second.id, m: a.merchantId },
      { token: staff.token },
    );
    expect(data).toEqual({
      s1: { id: a.storeId },
      s2: null,
      merchant: { stores: [{ id: a.storeId }] },
      stores: { totalCount: 1 },
    });
  });

  it('rejects IDs of the wrong type or forged ones as not found', async () => {
    const data = await server.ok(
      `query($m: ID!, $junk: ID!) { store(id: $m) { id } node(id: $junk) { id } }`,
      { m: a.merchantId, junk: 'not-an-id' },
      { token: a.ownerToken },
    );
    expect(data).toEqual({ store: null, node: null });
  });
});
