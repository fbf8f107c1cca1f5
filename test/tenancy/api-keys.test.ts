import { createHash } from 'node:crypto';

import { addTeamMember, adminToken, createTenant, type Tenant } from '../factories/tenancy';
import { dbId } from '../support/ids';
import { TestServer } from '../support/server';

let server: TestServer;
let admin: string;
beforeAll(async () => {
  server = await TestServer.start({ TEST_CLOCK: '1' });
  admin = await adminToken(server);
});
afterAll(() => server.stop());

const KEY_FIELDS = 'id name prefix createdAt lastUsedAt revokedAt isActive store { id }';
const CREATE = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) {
  apiKey { ${KEY_FIELDS} } secret userErrors { code message field } } }`;
const REVOKE = `mutation($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) {
  apiKey { ${KEY_FIELDS} } userErrors { code message field } } }`;
const LIST = `query($id: ID!) { store(id: $id) { apiKeys { ${KEY_FIELDS} } } }`;
const CHANGE = `mutation($input: ChangeSubscriptionTierInput!) { changeSubscriptionTier(input: $input) { userErrors { code } } }`;
const ORDER = `mutation($input: CreateOrderInput!) { createOrder(input: $input) { order { id totalCents } userErrors { code message field } } }`;
const STORE = `query($id: ID!) { store(id: $id) { id name orders { totalCount } } }`;
const ADVANCE = `mutation($s: PositiveInt!) { advanceTestClock(input: { seconds: $s }) { now } }`;

async function upgrade(tenant: Tenant, tierCode = 'business', storeId = tenant.storeId) {
  const data = await server.ok(
    CHANGE,
    { input: { storeId, platformCode: 'oms', tierCode } },
    { token: tenant.ownerToken },
  );
  expect(data.changeSubscriptionTier.userErrors).toEqual([]);
}

/** A merchant on Business with a fresh key for its first store. */
async function tenantWithKey(options: { stores?: number } = {}) {
  const tenant = await createTenant(server, { platform: 'oms', ...options });
  await upgrade(tenant);
  const data = await server.ok(
    CREATE,
    { input: { storeId: tenant.storeId, name: 'Letzshop sync' } },
    { token: tenant.ownerToken },
  );
  expect(data.createApiKey.userErrors).toEqual([]);
  return { tenant, apiKey: data.createApiKey.apiKey, secret: data.createApiKey.secret as string };
}

async function keysOf(tenant: Tenant, token = tenant.ownerToken) {
  return (await server.ok(LIST, { id: tenant.storeId }, { token })).store.apiKeys;
}

async function subscriptionSql(storeId: string, set: string, params: unknown[] = []) {
  await server.dataSource.query(
    `UPDATE store_subscriptions SET ${set} WHERE store_platform_id IN (
       SELECT id FROM store_platforms WHERE store_id = $1 AND is_primary)`,
    [dbId(storeId), ...params],
  );
}

describe('createApiKey', () => {
  it('is refused below Business, then shows the secret once and lists only its prefix', async () => {
    const tenant = await createTenant(server, { platform: 'oms' });
    const locked = await server.ok(
      CREATE,
      { input: { storeId: tenant.storeId, name: 'ERP' } },
      { token: tenant.ownerToken },
    );
    expect(locked.createApiKey).toEqual({
      apiKey: null,
      secret: null,
      userErrors: [
        { code: 'FEATURE_NOT_AVAILABLE', message: 'API access needs the Business tier (business)', field: ['storeId'] },
      ],
    });
    const [{ count }] = await server.dataSource.query(
      `SELECT count(*)::int AS count FROM store_api_keys WHERE store_id = $1`,
      [dbId(tenant.storeId)],
    );
    expect(count).toBe(0);

    await upgrade(tenant);
    const created = await server.ok(
      CREATE,
      { input: { storeId: tenant.storeId, name: 'ERP' } },
      { token: tenant.ownerToken },
    );
    const { apiKey, secret, userErrors } = created.createApiKey;
    expect(userErrors).toEqual([]);
    expect(secret).toMatch(/^orion_sk_[A-Za-z0-9_-]{43}$/);
    expect(apiKey).toEqual({
      id: expect.any(String),
      name: 'ERP',
      prefix: secret.slice('orion_sk_'.length, 'orion_sk_'.length + 8),
      createdAt: expect.any(String),
      lastUsedAt: null,
      revokedAt: null,
      isActive: true,
      store: { id: tenant.storeId },
    });

    const second = await server.ok(
      CREATE,
      { input: { storeId: tenant.storeId, name: 'POS' } },
      { token: tenant.ownerToken },
    );
    expect(second.createApiKey.secret).not.toBe(secret);

    const listed = await keysOf(tenant);
    expect(listed).toEqual([apiKey, second.createApiKey.apiKey]);
    expect(JSON.stringify(listed)).not.toContain(secret.slice('orion_sk_'.length + 8));

    // Nothing in the schema can give the secret or its hash back.
    const type = await server.ok(`{ __type(name: "StoreApiKey") { fields { name } } }`);
    expect(type.__type.fields.map((f: { name: string }) => f.name).sort()).toEqual(
      ['createdAt', 'id', 'isActive', 'lastUsedAt', 'name', 'prefix', 'revokedAt', 'store', 'updatedAt'].sort(),
    );
    const node = await server.ok(
      `query($id: ID!) { node(id: $id) { ... on StoreApiKey { name prefix } } }`,
      { id: apiKey.id },
      { token: tenant.ownerToken },
    );
    expect(node.node).toEqual({ name: 'ERP', prefix: apiKey.prefix });
  });

  it('rejects a blank name as BAD_USER_INPUT', async () => {
    const tenant = await createTenant(server, { platform: 'oms' });
    await upgrade(tenant);
    const result = await server.gql(
      CREATE,
      { input: { storeId: tenant.storeId, name: '' } },
      { token: tenant.ownerToken },
    );
    expect(result.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('keeps only a SHA-256 of the key in the database', async () => {
    const { apiKey, secret } = await tenantWithKey();
    const rows: Array<{ row: string; key_hash: string }> = await server.dataSource.query(
      `SELECT k::text AS row, k.key_hash FROM store_api_keys k WHERE k.id = $1`,
      [dbId(apiKey.id)],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].key_hash).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(rows[0].row).not.toContain(secret);
    expect(rows[0].row).not.toContain(secret.slice('orion_sk_'.length + 8));
  });
});

describe('an API key as bearer token', () => {
  it('acts as a team member of exactly its store', async () => {
    const { tenant, secret } = await tenantWithKey({ stores: 2 });
    const [storeId, otherStoreId] = [tenant.storeIds[0], tenant.storeIds[1]];
    await upgrade(tenant, 'business', otherStoreId);
    const asKey = { token: secret };

    const order = await server.ok(ORDER, { input: { storeId, totalCents: 1999 } }, asKey);
    expect(order.createOrder).toEqual({ order: { id: expect.any(String), totalCents: 1999 }, userErrors: [] });
    const product = await server.ok(
      `mutation($input: CreateProductInput!) { createProduct(input: $input) { product { sku } userErrors { code } } }`,
      { input: { storeId, sku: 'SKU-1', name: 'Mug', priceCents: 900 } },
      asKey,
    );
    expect(product.createProduct).toEqual({ product: { sku: 'SKU-1' }, userErrors: [] });
    const customer = await server.ok(
      `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { email } userErrors { code } } }`,
      { input: { storeId, email: 'ana@example.lu' } },
      asKey,
    );
    expect(customer.createCustomer).toEqual({ customer: { email: 'ana@example.lu' }, userErrors: [] });

    const read = await server.ok(STORE, { id: storeId }, asKey);
    expect(read.store).toMatchObject({ id: storeId, orders: { totalCount: 1 } });
    const listed = await server.ok(`{ stores { edges { node { id } } } me { id } }`, {}, asKey);
    expect(listed.stores.edges).toEqual([{ node: { id: storeId } }]);
    expect(listed.me).toBeNull();

    // Another store of the same merchant is out of scope.
    expect((await server.ok(STORE, { id: otherStoreId }, asKey)).store).toBeNull();
    const foreignOrder = await server.ok(ORDER, { input: { storeId: otherStoreId, totalCents: 100 } }, asKey);
    expect(foreignOrder.createOrder).toEqual({
      order: null,
      userErrors: [{ code: 'NOT_FOUND', message: 'Store not found', field: ['storeId'] }],
    });
  });

  it('can never manage its store, its merchant or keys', async () => {
    const { tenant, apiKey, secret } = await tenantWithKey();
    const asKey = { token: secret };
    const storeId = tenant.storeId;
    const notFound = (payload: { userErrors: Array<{ code: string }> }) =>
      expect(payload.userErrors.map((e) => e.code)).toEqual(['NOT_FOUND']);

    const attempts: Array<[string, string, Record<string, unknown>]> = [
      ['updateStore', 'UpdateStoreInput', { id: storeId, name: 'Taken over' }],
      ['deleteStore', 'IdInput', { id: storeId }],
      [
        'createStore',
        'CreateStoreInput',
        { merchantId: tenant.merchantId, name: 'X', storeCode: 'APIKEYX', subdomain: 'api-key-x' },
      ],
      ['addStoreToPlatform', 'AddStoreToPlatformInput', { storeId, platformCode: 'loyalty' }],
      ['inviteTeamMember', 'InviteTeamMemberInput', { storeId, email: 'mallory@example.lu', role: 'STAFF' }],
      ['createApiKey', 'CreateApiKeyInput', { storeId, name: 'Another' }],
      ['revokeApiKey', 'RevokeApiKeyInput', { id: apiKey.id }],
      [
        'changeSubscriptionTier',
        'ChangeSubscriptionTierInput',
        { storeId, platformCode: 'oms', tierCode: 'essential' },
      ],
    ];
    for (const [mutation, inputType, input] of attempts) {
      const data = await server.ok(
        `mutation($input: ${inputType}!) { ${mutation}(input: $input) { userErrors { code } } }`,
        { input },
        asKey,
      );
      notFound(data[mutation]);
    }

    const adminOnly = await server.gql(
      `mutation($input: CreateMerchantInput!) { createMerchant(input: $input) { userErrors { code } } }`,
      {
        input: { name: 'M', contactEmail: 'm@example.lu', owner: { email: 'm@example.lu', password: 'password-123' } },
      },
      asKey,
    );
    expect(adminOnly.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const keys = await server.gql(LIST, { id: storeId }, asKey);
    expect(keys.errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect((await server.ok(`query($id: ID!) { node(id: $id) { id } }`, { id: apiKey.id }, asKey)).node).toBeNull();

    // Nothing changed: the store is live, named as before, and the key still works.
    const store = await server.ok(
      `query($id: ID!) { store(id: $id) { name platforms { platform { code } } } }`,
      { id: storeId },
      {
        token: tenant.ownerToken,
      },
    );
    expect(store.store.name).toMatch(/^Store /);
    expect(store.store.platforms).toEqual([{ platform: { code: 'oms' } }]);
    expect((await keysOf(tenant)).map((k: { isActive: boolean }) => k.isActive)).toEqual([true]);
  });

  it('is rejected like a bad token when malformed or unknown', async () => {
    for (const token of ['orion_sk_', 'orion_sk_short', `orion_sk_${'A'.repeat(43)}`]) {
      const result = await server.gql(`{ __typename }`, {}, { token });
      expect(result.status).toBe(401);
      expect(result.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    }
  });

  it('stops working when its store loses api_access, its subscription access, or is deleted', async () => {
    const { tenant, secret } = await tenantWithKey();
    const works = async () => (await server.gql(STORE, { id: tenant.storeId }, { token: secret })).status;
    expect(await works()).toBe(200);

    const [{ id: essential }] = await server.dataSource.query(
      `SELECT id FROM subscription_tiers WHERE code = 'essential'`,
    );
    const [{ id: business }] = await server.dataSource.query(
      `SELECT id FROM subscription_tiers WHERE code = 'business'`,
    );
    await subscriptionSql(tenant.storeId, 'tier_id = $2', [essential]);
    expect(await works()).toBe(401);
    await subscriptionSql(tenant.storeId, 'tier_id = $2', [business]);
    expect(await works()).toBe(200);

    await subscriptionSql(tenant.storeId, `status = 'EXPIRED'`);
    expect(await works()).toBe(401);
    await subscriptionSql(tenant.storeId, `status = 'ACTIVE'`);
    expect(await works()).toBe(200);

    const deleted = await server.ok(
      `mutation($input: IdInput!) { deleteStore(input: $input) { userErrors { code } } }`,
      { input: { id: tenant.storeId } },
      { token: tenant.ownerToken },
    );
    expect(deleted.deleteStore.userErrors).toEqual([]);
    const afterDelete = await server.gql(`{ __typename }`, {}, { token: secret });
    expect(afterDelete.status).toBe(401);
    expect(afterDelete.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('records lastUsedAt at most once a minute', async () => {
    const { tenant, apiKey, secret } = await tenantWithKey();
    const lastUsed = async () => (await keysOf(tenant))[0].lastUsedAt as string | null;
    expect(await lastUsed()).toBeNull();

    // Count the row's writes.
    await server.dataSource.query(`CREATE TABLE test_api_key_writes (key_id int NOT NULL)`);
    await server.dataSource.query(`CREATE FUNCTION test_count_api_key_write() RETURNS trigger LANGUAGE plpgsql AS
      $$ BEGIN INSERT INTO test_api_key_writes VALUES (NEW.id); RETURN NEW; END $$`);
    await server.dataSource.query(`CREATE TRIGGER test_count_api_key_write AFTER UPDATE ON store_api_keys
      FOR EACH ROW EXECUTE FUNCTION test_count_api_key_write()`);
    const writes = async () =>
      (
        await server.dataSource.query(`SELECT count(*)::int AS count FROM test_api_key_writes WHERE key_id = $1`, [
          dbId(apiKey.id),
        ])
      )[0].count as number;
    const holder = server.dataSource.createQueryRunner();
    try {
      // While another transaction holds the key's row (as a request that stamps it does until it ends), requests
      // with the key are answered without waiting for it, and leave the stamp to the holder.
      await holder.connect();
      await holder.startTransaction();
      await holder.query(`SELECT id FROM store_api_keys WHERE id = $1 FOR UPDATE`, [dbId(apiKey.id)]);
      const held = await Promise.all(
        Array.from({ length: 5 }, () => server.gql(`{ __typename }`, {}, { token: secret })),
      );
      expect(held.map((r) => r.status)).toEqual(Array(5).fill(200));
      await holder.commitTransaction();
      expect(await writes()).toBe(0);

      // A burst racing for the stale row writes it once.
      const burst = await Promise.all(
        Array.from({ length: 10 }, () => server.gql(`{ __typename }`, {}, { token: secret })),
      );
      expect(burst.map((r) => r.status)).toEqual(Array(10).fill(200));
      expect(await writes()).toBe(1);
    } finally {
      await holder.release();
      await server.dataSource.query(`DROP TRIGGER test_count_api_key_write ON store_api_keys`);
      await server.dataSource.query(`DROP FUNCTION test_count_api_key_write()`);
      await server.dataSource.query(`DROP TABLE test_api_key_writes`);
    }
    const first = await lastUsed();
    expect(first).not.toBeNull();

    await server.ok(ADVANCE, { s: 30 }, { token: admin });
    await server.ok(`{ __typename }`, {}, { token: secret });
    expect(await lastUsed()).toBe(first);

    const now = new Date((await server.ok(ADVANCE, { s: 31 }, { token: admin })).advanceTestClock.now);
    await server.ok(`{ __typename }`, {}, { token: secret });
    const second = await lastUsed();
    expect(new Date(second!).getTime()).toBeGreaterThanOrEqual(now.getTime());
    expect(new Date(second!).getTime() - new Date(first!).getTime()).toBeGreaterThanOrEqual(60_000);
  });
});

describe('revokeApiKey', () => {
  it('makes the key UNAUTHENTICATED (401) for good; a second revoke is INVALID_STATE', async () => {
    const { tenant, apiKey, secret } = await tenantWithKey();
    expect((await server.gql(STORE, { id: tenant.storeId }, { token: secret })).status).toBe(200);

    const revoked = await server.ok(REVOKE, { input: { id: apiKey.id } }, { token: tenant.ownerToken });
    expect(revoked.revokeApiKey).toEqual({
      apiKey: { ...apiKey, lastUsedAt: expect.any(String), revokedAt: expect.any(String), isActive: false },
      userErrors: [],
    });
    const [row] = await server.dataSource.query(
      `SELECT k.revoked_by_id, m.owner_user_id FROM store_api_keys k JOIN stores s ON s.id = k.store_id
         JOIN merchants m ON m.id = s.merchant_id WHERE k.id = $1`,
      [dbId(apiKey.id)],
    );
    expect(row.revoked_by_id).toBe(row.owner_user_id);

    const rejected = await server.gql(
      ORDER,
      { input: { storeId: tenant.storeId, totalCents: 100 } },
      { token: secret },
    );
    expect(rejected.status).toBe(401);
    expect(rejected.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(rejected.data ?? null).toBeNull();
    const [{ count }] = await server.dataSource.query(`SELECT count(*)::int AS count FROM orders WHERE store_id = $1`, [
      dbId(tenant.storeId),
    ]);
    expect(count).toBe(0);

    const again = await server.ok(REVOKE, { input: { id: apiKey.id } }, { token: tenant.ownerToken });
    expect(again.revokeApiKey).toEqual({
      apiKey: null,
      userErrors: [{ code: 'INVALID_STATE', message: 'The API key is already revoked', field: ['id'] }],
    });
    expect(await keysOf(tenant)).toEqual([revoked.revokeApiKey.apiKey]);
  });
});

describe('who manages keys', () => {
  it('is not the store team', async () => {
    const { tenant, apiKey } = await tenantWithKey();
    const staff = await addTeamMember(server, tenant.ownerToken, tenant.storeId);
    const created = await server.ok(
      CREATE,
      { input: { storeId: tenant.storeId, name: 'Mine' } },
      { token: staff.token },
    );
    expect(created.createApiKey).toEqual({
      apiKey: null,
      secret: null,
      userErrors: [{ code: 'NOT_FOUND', message: 'Store not found', field: ['storeId'] }],
    });
    const listed = await server.gql(LIST, { id: tenant.storeId }, { token: staff.token });
    expect(listed.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const revoked = await server.ok(REVOKE, { input: { id: apiKey.id } }, { token: staff.token });
    expect(revoked.revokeApiKey.userErrors).toEqual([
      { code: 'NOT_FOUND', message: 'API key not found', field: ['id'] },
    ]);
    expect((await keysOf(tenant)).map((k: { isActive: boolean }) => k.isActive)).toEqual([true]);
  });

  it('is not another merchant', async () => {
    const { tenant, apiKey, secret } = await tenantWithKey();
    const other = await createTenant(server, { platform: 'oms' });
    await upgrade(other);
    expect((await server.ok(LIST, { id: tenant.storeId }, { token: other.ownerToken })).store).toBeNull();
    const viaNode = await server.ok(
      `query($id: ID!) { node(id: $id) { id } }`,
      { id: apiKey.id },
      { token: other.ownerToken },
    );
    expect(viaNode.node).toBeNull();
    const revoked = await server.ok(REVOKE, { input: { id: apiKey.id } }, { token: other.ownerToken });
    expect(revoked.revokeApiKey.userErrors).toEqual([
      { code: 'NOT_FOUND', message: 'API key not found', field: ['id'] },
    ]);
    const created = await server.ok(
      CREATE,
      { input: { storeId: tenant.storeId, name: 'Mine' } },
      { token: other.ownerToken },
    );
    expect(created.createApiKey.userErrors.map((e: { code: string }) => e.code)).toEqual(['NOT_FOUND']);
    // The other merchant's own key does not reach this store either.
    const theirs = await server.ok(
      CREATE,
      { input: { storeId: other.storeId, name: 'Theirs' } },
      { token: other.ownerToken },
    );
    expect((await server.ok(STORE, { id: tenant.storeId }, { token: theirs.createApiKey.secret })).store).toBeNull();
    expect((await server.gql(STORE, { id: tenant.storeId }, { token: secret })).status).toBe(200);
  });

  it('includes ADMIN', async () => {
    const { tenant, apiKey } = await tenantWithKey();
    const created = await server.ok(CREATE, { input: { storeId: tenant.storeId, name: 'Support' } }, { token: admin });
    expect(created.createApiKey.userErrors).toEqual([]);
    expect((await keysOf(tenant, admin)).map((k: { name: string }) => k.name)).toEqual(['Letzshop sync', 'Support']);
    const revoked = await server.ok(REVOKE, { input: { id: apiKey.id } }, { token: admin });
    expect(revoked.revokeApiKey.apiKey.isActive).toBe(false);
  });
});
