import { Store } from '../../src/entities';
import { HardDeleteRefusedError } from '../../src/subscribers/soft-delete.subscriber';
import { addTeamMember, adminToken, createTenant, joinPlatform, type Tenant, unique } from '../factories/tenancy';
import { TestServer } from '../support/server';

let server: TestServer;
let admin: string;
beforeAll(async () => {
  server = await TestServer.start();
  admin = await adminToken(server);
});
afterAll(() => server.stop());

const DELETE_STORE = `mutation($input: IdInput!) { deleteStore(input: $input) { deletedId cascadedIds userErrors { code message } } }`;
const RESTORE_STORE = `mutation($input: IdInput!) { restoreStore(input: $input) { store { id deletedAt deletedBy { id } } restoredIds userErrors { code message } } }`;

/** A store with one of everything it owns; returns their IDs by type. */
async function populatedStore(tenant: Tenant) {
  const oms = await joinPlatform(server, tenant.ownerToken, tenant.storeId, 'oms');
  const loyalty = await joinPlatform(server, tenant.ownerToken, tenant.storeId, 'loyalty');
  const staff = await addTeamMember(server, tenant.ownerToken, tenant.storeId);
  const made = await server.ok(
    `mutation($c: CreateCustomerInput!, $p: CreateProductInput!) {
       c: createCustomer(input: $c) { customer { id } }
       p: createProduct(input: $p) { product { id } }
     }`,
    {
      c: { storeId: tenant.storeId, email: `${unique()}@example.lu` },
      p: { storeId: tenant.storeId, sku: unique('sku'), name: 'P', priceCents: 100 },
    },
    { token: tenant.ownerToken },
  );
  const order = await server.ok(
    `mutation($o: CreateOrderInput!) { createOrder(input: $o) { order { id } } }`,
    { o: { storeId: tenant.storeId, totalCents: 500, customerId: made.c.customer.id } },
    { token: tenant.ownerToken },
  );
  return {
    oms: oms.id,
    loyalty: loyalty.id,
    staff,
    customer: made.c.customer.id as string,
    product: made.p.product.id as string,
    order: order.createOrder.order.id as string,
  };
}

describe('deleteStore', () => {
  it('soft-deletes the store and everything it owns, reporting the cascade', async () => {
    const tenant = await createTenant(server);
    const owned = await populatedStore(tenant);
    const data = await server.ok(DELETE_STORE, { input: { id: tenant.storeId } }, { token: tenant.ownerToken });
    expect(data.deleteStore.userErrors).toEqual([]);
    expect(data.deleteStore.deletedId).toBe(tenant.storeId);
    expect([...data.deleteStore.cascadedIds].sort()).toEqual(
      [owned.oms, owned.loyalty, owned.staff.storeUserId, owned.customer, owned.product, owned.order].sort(),
    );
    const rows = await server.dataSource.query(
      `SELECT s.deleted_at::text AS store_at, s.deleted_by_id, u.email,
              (SELECT array_agg(DISTINCT deleted_at::text) FROM (
                 SELECT deleted_at FROM store_platforms WHERE store_id = s.id UNION ALL
                 SELECT deleted_at FROM products WHERE store_id = s.id UNION ALL
                 SELECT deleted_at FROM orders WHERE store_id = s.id) x) AS child_at
         FROM stores s JOIN users u ON u.id = s.deleted_by_id WHERE s.store_code = $1`,
      [tenant.storeCode],
    );
    expect(rows[0].email).toBe(tenant.ownerEmail);
    expect(rows[0].child_at).toEqual([rows[0].store_at]);
  });

  it('hides the deleted store and its rows from every query and nested field', async () => {
    const tenant = await createTenant(server);
    const owned = await populatedStore(tenant);
    await server.ok(DELETE_STORE, { input: { id: tenant.storeId } }, { token: tenant.ownerToken });

    for (const token of [tenant.ownerToken, admin]) {
      const data = await server.ok(
        `query($s: ID!, $m: ID!) { store(id: $s) { id } merchant(id: $m) { stores { id } } stores(merchantId: $m) { totalCount edges { node { id } } } }`,
        { s: tenant.storeId, m: tenant.merchantId },
        { token },
      );
      expect(data).toEqual({ store: null, merchant: { stores: [] }, stores: { totalCount: 0, edges: [] } });
      for (const id of [
        tenant.storeId,
        owned.oms,
        owned.customer,
        owned.product,
        owned.order,
        owned.staff.storeUserId,
      ]) {
        expect((await server.ok(`query($id: ID!) { node(id: $id) { id } }`, { id }, { token })).node).toBeNull();
      }
    }
    // The staff member lost the store with it.
    const staffView = await server.ok(`{ stores { totalCount } }`, {}, { token: owned.staff.token });
    expect(staffView.stores.totalCount).toBe(0);
  });

  it('shows deleted stores to ADMIN only when asked, with who deleted them', async () => {
    const tenant = await createTenant(server, { stores: 2 });
    await server.ok(DELETE_STORE, { input: { id: tenant.storeIds[0] } }, { token: tenant.ownerToken });
    const Q = `query($m: ID!, $inc: Boolean, $only: Boolean) { stores(merchantId: $m, includeDeleted: $inc, onlyDeleted: $only) {
      totalCount edges { node { id deletedAt deletedBy { email } merchant { id } } } } }`;
    const only = await server.ok(Q, { m: tenant.merchantId, only: true }, { token: admin });
    expect(only.stores.totalCount).toBe(1);
    expect(only.stores.edges[0].node).toMatchObject({
      id: tenant.storeIds[0],
      deletedAt: expect.any(String),
      deletedBy: { email: tenant.ownerEmail },
      merchant: { id: tenant.merchantId },
    });
    const all = await server.ok(Q, { m: tenant.merchantId, inc: true }, { token: admin });
    expect(all.stores.totalCount).toBe(2);
    const live = await server.ok(Q, { m: tenant.merchantId }, { token: admin });
    expect(live.stores.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([tenant.storeIds[1]]);

    const refused = await server.gql(Q, { m: tenant.merchantId, inc: true }, { token: tenant.ownerToken });
    expect(refused.errors?.[0].extensions.code).toBe('FORBIDDEN');
  });

  it('frees the store code and subdomain for a new store', async () => {
    const tenant = await createTenant(server);
    await server.ok(DELETE_STORE, { input: { id: tenant.storeId } }, { token: tenant.ownerToken });
    const again = await server.ok(
      `mutation($input: CreateStoreInput!) { createStore(input: $input) { store { storeCode subdomain } userErrors { code } } }`,
      {
        input: {
          merchantId: tenant.merchantId,
          name: 'Again',
          storeCode: tenant.storeCode,
          subdomain: tenant.subdomain,
        },
      },
      { token: tenant.ownerToken },
    );
    expect(again.createStore).toEqual({
      store: { storeCode: tenant.storeCode, subdomain: tenant.subdomain },
      userErrors: [],
    });

    // Restoring the old store now collides with the new live one: refused, nothing restored.
    const restore = await server.ok(RESTORE_STORE, { input: { id: tenant.storeId } }, { token: admin });
    expect(restore.restoreStore.store).toBeNull();
    expect(restore.restoreStore.userErrors).toEqual([{ code: 'ALREADY_EXISTS', message: expect.any(String) }]);
  });
});

describe('restoreStore', () => {
  it('brings back exactly what the delete cascaded, not what was deleted before', async () => {
    const tenant = await createTenant(server);
    const owned = await populatedStore(tenant);
    await server.ok(
      `mutation($input: IdInput!) { removeStoreFromPlatform(input: $input) { deletedId } }`,
      { input: { id: owned.loyalty } },
      { token: tenant.ownerToken },
    );
    await server.ok(DELETE_STORE, { input: { id: tenant.storeId } }, { token: tenant.ownerToken });

    const refused = await server.gql(RESTORE_STORE, { input: { id: tenant.storeId } }, { token: tenant.ownerToken });
    expect(refused.errors?.[0].extensions.code).toBe('FORBIDDEN');

    const data = await server.ok(RESTORE_STORE, { input: { id: tenant.storeId } }, { token: admin });
    expect(data.restoreStore.userErrors).toEqual([]);
    expect(data.restoreStore.store).toEqual({ id: tenant.storeId, deletedAt: null, deletedBy: null });
    expect([...data.restoreStore.restoredIds].sort()).toEqual(
      [owned.oms, owned.staff.storeUserId, owned.customer, owned.product, owned.order].sort(),
    );
    const store = await server.ok(
      `query($id: ID!) { store(id: $id) { platforms { id } team { id } customers { totalCount } products { totalCount } orders { totalCount } } }`,
      { id: tenant.storeId },
      { token: tenant.ownerToken },
    );
    // The list of stores reads memberships with its page: the removed one stays out there too.
    const listed = await server.ok(
      `query($m: ID!) { stores(merchantId: $m) { edges { node { id platforms { id } } } } }`,
      { m: tenant.merchantId },
      { token: tenant.ownerToken },
    );
    expect(listed.stores.edges.map((e: { node: unknown }) => e.node)).toContainEqual({
      id: tenant.storeId,
      platforms: [{ id: owned.oms }],
    });
    expect(store.store).toEqual({
      platforms: [{ id: owned.oms }],
      team: [{ id: owned.staff.storeUserId }],
      customers: { totalCount: 1 },
      products: { totalCount: 1 },
      orders: { totalCount: 1 },
    });
    const again = await server.ok(RESTORE_STORE, { input: { id: tenant.storeId } }, { token: admin });
    expect(again.restoreStore.userErrors).toEqual([{ code: 'INVALID_STATE', message: expect.any(String) }]);
  });
});

describe('deleteMerchant and restoreMerchant', () => {
  it('cascades merchant → stores → their rows, and restores the same set', async () => {
    const tenant = await createTenant(server, { stores: 2 });
    const owned = await populatedStore(tenant);
    const deleted = await server.ok(
      `mutation($input: IdInput!) { deleteMerchant(input: $input) { deletedId cascadedIds userErrors { code } } }`,
      { input: { id: tenant.merchantId } },
      { token: admin },
    );
    expect(deleted.deleteMerchant.deletedId).toBe(tenant.merchantId);
    expect(deleted.deleteMerchant.cascadedIds).toEqual(
      expect.arrayContaining([...tenant.storeIds, owned.customer, owned.order]),
    );
    expect(deleted.deleteMerchant.cascadedIds).toHaveLength(2 + 6);

    const hidden = await server.ok(
      `query($id: ID!) { merchant(id: $id) { id } }`,
      { id: tenant.merchantId },
      { token: admin },
    );
    expect(hidden.merchant).toBeNull();
    // Its deleted stores, listed for ADMIN, show their deleted merchant; their memberships went with them.
    const deletedStores = await server.ok(
      `query($m: ID!) { stores(merchantId: $m, onlyDeleted: true) {
        edges { node { id merchant { id deletedAt } platforms { id } primaryPlatform { id } } } } }`,
      { m: tenant.merchantId },
      { token: admin },
    );
    expect(deletedStores.stores.edges.map((e: { node: unknown }) => e.node)).toEqual(
      tenant.storeIds.map((id) => ({
        id,
        merchant: { id: tenant.merchantId, deletedAt: expect.any(String) },
        platforms: [],
        primaryPlatform: null,
      })),
    );
    const listed = await server.ok(
      `{ merchants(onlyDeleted: true, first: 100) { edges { node { id deletedBy { role } } } } }`,
      {},
      { token: admin },
    );
    expect(listed.merchants.edges.map((e: { node: { id: string } }) => e.node)).toContainEqual({
      id: tenant.merchantId,
      deletedBy: { role: 'ADMIN' },
    });

    const storeRestore = await server.ok(RESTORE_STORE, { input: { id: tenant.storeId } }, { token: admin });
    expect(storeRestore.restoreStore.userErrors[0].code).toBe('INVALID_STATE');

    const restored = await server.ok(
      `mutation($input: IdInput!) { restoreMerchant(input: $input) { merchant { id deletedAt stores { id } } restoredIds userErrors { code } } }`,
      { input: { id: tenant.merchantId } },
      { token: admin },
    );
    expect(restored.restoreMerchant.merchant).toEqual({
      id: tenant.merchantId,
      deletedAt: null,
      stores: tenant.storeIds.map((id) => ({ id })),
    });
    expect([...restored.restoreMerchant.restoredIds].sort()).toEqual([...deleted.deleteMerchant.cascadedIds].sort());
  });

  it('is ADMIN only', async () => {
    const tenant = await createTenant(server);
    const result = await server.gql(
      `mutation($input: IdInput!) { deleteMerchant(input: $input) { deletedId } }`,
      { input: { id: tenant.merchantId } },
      { token: tenant.ownerToken },
    );
    expect(result.errors?.[0].extensions.code).toBe('FORBIDDEN');
  });
});

describe('the soft-delete subscriber', () => {
  it('refuses a hard delete of soft-deletable rows', async () => {
    const tenant = await createTenant(server);
    const [row] = await server.dataSource.query(`SELECT id FROM stores WHERE store_code = $1`, [tenant.storeCode]);
    await expect(server.dataSource.manager.delete(Store, { id: row.id })).rejects.toThrow(HardDeleteRefusedError);
    const store = await server.dataSource.manager.findOneByOrFail(Store, { id: row.id });
    await expect(server.dataSource.manager.remove(store)).rejects.toThrow(HardDeleteRefusedError);
    expect(await server.dataSource.manager.countBy(Store, { id: row.id })).toBe(1);
  });
});
