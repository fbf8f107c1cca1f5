import { addTeamMember, adminToken, createTenant, unique } from '../factories/tenancy';
import { TestServer } from '../support/server';

let server: TestServer;
let admin: string;
beforeAll(async () => {
  server = await TestServer.start();
  admin = await adminToken(server);
});
afterAll(() => server.stop());

const PRODUCT_FIELDS = `id code name description category priceCents billingPeriod quantityUnit quantityValue
  stripeProductId stripePriceId displayOrder isActive`;
const CREATE_PRODUCT = `mutation($input: CreateAddOnProductInput!) { createAddOnProduct(input: $input) {
  addOnProduct { ${PRODUCT_FIELDS} } userErrors { code message field } } }`;
const UPDATE_PRODUCT = `mutation($input: UpdateAddOnProductInput!) { updateAddOnProduct(input: $input) {
  addOnProduct { ${PRODUCT_FIELDS} } userErrors { code message field } } }`;
const LIST = `query($category: AddOnCategory) { addOnProducts(category: $category) { id code isActive displayOrder } }`;
const ADD_ON_FIELDS = `id status quantity domainName periodStart periodEnd cancelledAt
  addOnProduct { id code } store { id }`;
const PURCHASE = `mutation($input: PurchaseAddOnInput!) { purchaseAddOn(input: $input) {
  storeAddOn { ${ADD_ON_FIELDS} } userErrors { code message field } } }`;
const CANCEL = `mutation($input: CancelAddOnInput!) { cancelAddOn(input: $input) {
  storeAddOn { ${ADD_ON_FIELDS} } userErrors { code message field } } }`;
const STORE_ADD_ONS = `query($id: ID!) { store(id: $id) { subscription(platformCode: "oms") {
  addOns { id status addOnProduct { code } } } } }`;
const NODE = `query($id: ID!) { node(id: $id) { id ... on StoreAddOn { status } ... on AddOnProduct { code } } }`;

type Product = { id: string; code: string; category: string; billingPeriod: string; isActive: boolean };

async function createProduct(input: Record<string, unknown> = {}): Promise<Product> {
  const data = await server.ok(
    CREATE_PRODUCT,
    { input: { code: unique('addon_'), name: 'Extra', category: 'STORAGE', priceCents: 500, ...input } },
    { token: admin },
  );
  expect(data.createAddOnProduct.userErrors).toEqual([]);
  return data.createAddOnProduct.addOnProduct;
}

async function purchase(token: string, input: Record<string, unknown>) {
  return (await server.ok(PURCHASE, { input }, { token })).purchaseAddOn;
}

async function storeAddOns(token: string, storeId: string) {
  const { store } = await server.ok(STORE_ADD_ONS, { id: storeId }, { token });
  return store.subscription.addOns as Array<{ id: string; status: string; addOnProduct: { code: string } }>;
}

/** Calendar months in UTC, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb). */
function addMonths(from: string, months: number): string {
  const d = new Date(from);
  const day = d.getUTCDate();
  d.setUTCMonth(d.getUTCMonth() + months, 1);
  d.setUTCDate(Math.min(day, new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate()));
  return d.toISOString();
}

describe('the add-on catalogue (ADMIN)', () => {
  it('creates, updates and deactivates a product; nothing deletes it', async () => {
    const code = unique('email_');
    const created = await createProduct({
      code,
      name: 'Email package',
      description: 'Five mailboxes',
      category: 'EMAIL',
      priceCents: 900,
      billingPeriod: 'ANNUAL',
      quantityUnit: 'mailboxes',
      quantityValue: 5,
      stripeProductId: 'prod_email',
      stripePriceId: 'price_email',
      displayOrder: 3,
    });
    expect(created).toEqual({
      id: expect.any(String),
      code,
      name: 'Email package',
      description: 'Five mailboxes',
      category: 'EMAIL',
      priceCents: 900,
      billingPeriod: 'ANNUAL',
      quantityUnit: 'mailboxes',
      quantityValue: 5,
      stripeProductId: 'prod_email',
      stripePriceId: 'price_email',
      displayOrder: 3,
      isActive: true,
    });

    const newCode = unique('mail_');
    const updated = await server.ok(
      UPDATE_PRODUCT,
      {
        input: { id: created.id, code: newCode, name: 'Mail', priceCents: 1200, description: null, quantityValue: 10 },
      },
      { token: admin },
    );
    expect(updated.updateAddOnProduct).toEqual({
      userErrors: [],
      addOnProduct: {
        ...created,
        code: newCode,
        name: 'Mail',
        priceCents: 1200,
        description: null,
        quantityValue: 10,
      },
    });

    const deactivated = await server.ok(
      UPDATE_PRODUCT,
      { input: { id: created.id, isActive: false } },
      { token: admin },
    );
    expect(deactivated.updateAddOnProduct.addOnProduct).toMatchObject({ code: newCode, isActive: false, name: 'Mail' });

    // Still there for ADMIN and by ID; gone from the public catalogue.
    const all = (await server.ok(LIST, { category: 'EMAIL' }, { token: admin })).addOnProducts;
    expect(all).toContainEqual({ id: created.id, code: newCode, isActive: false, displayOrder: 3 });
    const onSale = (await server.ok(LIST, { category: 'EMAIL' })).addOnProducts;
    expect(onSale.map((p: Product) => p.code)).not.toContain(newCode);
    expect((await server.ok(NODE, { id: created.id })).node).toEqual({ id: created.id, code: newCode });

    const schema = await server.gql(`{ __type(name: "Mutation") { fields { name } } }`);
    const mutations = schema.data.__type.fields.map((f: { name: string }) => f.name);
    expect(mutations).not.toContain('deleteAddOnProduct');
  });

  it('answers FORBIDDEN to a merchant owner and UNAUTHENTICATED without a token, writing nothing', async () => {
    const tenant = await createTenant(server);
    const code = unique('nope_');
    const input = { code, name: 'X', category: 'SSL', priceCents: 1 };
    const asOwner = await server.gql(CREATE_PRODUCT, { input }, { token: tenant.ownerToken });
    expect(asOwner.errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect(asOwner.data?.createAddOnProduct ?? null).toBeNull();
    const anonymous = await server.gql(CREATE_PRODUCT, { input });
    expect(anonymous.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');

    const product = await createProduct();
    const update = await server.gql(
      UPDATE_PRODUCT,
      { input: { id: product.id, isActive: false } },
      { token: tenant.ownerToken },
    );
    expect(update.errors?.[0].extensions.code).toBe('FORBIDDEN');

    const all = (await server.ok(LIST, { category: null }, { token: admin })).addOnProducts;
    expect(all.map((p: Product) => p.code)).not.toContain(code);
    expect(all.find((p: Product) => p.id === product.id).isActive).toBe(true);
  });

  it('keeps codes unique on create, on update and under concurrent creates', async () => {
    const existing = await createProduct();
    const duplicate = await server.ok(
      CREATE_PRODUCT,
      { input: { code: existing.code, name: 'Again', category: 'SSL', priceCents: 1 } },
      { token: admin },
    );
    expect(duplicate.createAddOnProduct).toEqual({
      addOnProduct: null,
      userErrors: [{ code: 'ALREADY_EXISTS', message: expect.any(String), field: ['code'] }],
    });

    const other = await createProduct();
    const renamed = await server.ok(UPDATE_PRODUCT, { input: { id: other.id, code: existing.code } }, { token: admin });
    expect(renamed.updateAddOnProduct.userErrors).toEqual([
      { code: 'ALREADY_EXISTS', message: expect.any(String), field: ['code'] },
    ]);
    const same = await server.ok(UPDATE_PRODUCT, { input: { id: other.id, code: other.code } }, { token: admin });
    expect(same.updateAddOnProduct.userErrors).toEqual([]);

    const code = unique('race_');
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        server.ok(CREATE_PRODUCT, { input: { code, name: 'Race', category: 'SSL', priceCents: 1 } }, { token: admin }),
      ),
    );
    expect(results.filter((r) => r.createAddOnProduct.addOnProduct)).toHaveLength(1);
    for (const refused of results.filter((r) => !r.createAddOnProduct.addOnProduct)) {
      expect(refused.createAddOnProduct.userErrors).toEqual([
        { code: 'ALREADY_EXISTS', message: expect.any(String), field: ['code'] },
      ]);
    }
    const all = (await server.ok(LIST, {}, { token: admin })).addOnProducts;
    expect(all.filter((p: Product) => p.code === code)).toHaveLength(1);
  });

  it('answers ALREADY_EXISTS when it loses the race on the unique code index', async () => {
    const code = unique('lost_');
    const other = server.dataSource.createQueryRunner();
    await other.connect();
    try {
      // An uncommitted row with the same code: the mutation's check cannot see it, its insert waits on the index.
      await other.startTransaction();
      await other.query(
        `INSERT INTO addon_products (code, name, category, price_cents) VALUES ($1, 'Other', 'SSL', 1)`,
        [code],
      );
      const pending = server.ok(
        CREATE_PRODUCT,
        { input: { code, name: 'Late', category: 'SSL', priceCents: 1 } },
        { token: admin },
      );
      for (let waited = 0; waited < 100; waited++) {
        const [blocked] = await server.dataSource.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO "addon_products"%'`,
        );
        if (blocked.n > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await other.commitTransaction();
      expect((await pending).createAddOnProduct).toEqual({
        addOnProduct: null,
        userErrors: [{ code: 'ALREADY_EXISTS', message: expect.any(String), field: ['code'] }],
      });
    } finally {
      if (other.isTransactionActive) await other.rollbackTransaction();
      await other.release();
    }
  });

  it('rejects a malformed code or a negative price as BAD_USER_INPUT', async () => {
    for (const input of [
      { code: 'Has Spaces', name: 'X', category: 'SSL', priceCents: 1 },
      { code: unique('ok_'), name: 'X', category: 'SSL', priceCents: -1 },
    ]) {
      const result = await server.gql(CREATE_PRODUCT, { input }, { token: admin });
      expect(result.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    }
  });

  it('lists active products to everyone and all of them to ADMIN, by category and display order', async () => {
    const late = await createProduct({ category: 'SSL', displayOrder: 900 });
    const early = await createProduct({ category: 'SSL', displayOrder: -900 });
    const hidden = await createProduct({ category: 'SSL', isActive: false });
    const storage = await createProduct({ category: 'STORAGE' });
    const tenant = await createTenant(server);

    for (const token of [undefined, tenant.ownerToken]) {
      const ssl = (await server.ok(LIST, { category: 'SSL' }, { token })).addOnProducts as Product[];
      const ids = ssl.map((p) => p.id);
      expect(ids).toEqual(expect.arrayContaining([early.id, late.id]));
      expect(ids).not.toContain(hidden.id);
      expect(ids).not.toContain(storage.id);
      expect(ids.indexOf(early.id)).toBeLessThan(ids.indexOf(late.id));
      expect(ssl.every((p) => p.isActive)).toBe(true);
      const every = (await server.ok(LIST, {}, { token })).addOnProducts.map((p: Product) => p.id);
      expect(every).toEqual(expect.arrayContaining([early.id, storage.id]));
      expect(every).not.toContain(hidden.id);
    }

    const asAdmin = (await server.ok(LIST, { category: 'SSL' }, { token: admin })).addOnProducts as Product[];
    expect(asAdmin.map((p) => p.id)).toEqual(expect.arrayContaining([early.id, late.id, hidden.id]));
    expect(asAdmin.map((p) => p.id)).not.toContain(storage.id);
  });
});

describe('buying add-ons', () => {
  it('starts an ACTIVE add-on whose period follows the billing period', async () => {
    const tenant = await createTenant(server, { platform: 'oms' });
    const monthly = await createProduct({ billingPeriod: 'MONTHLY' });
    const annual = await createProduct({ billingPeriod: 'ANNUAL', category: 'SSL' });
    const once = await createProduct({ billingPeriod: 'ONE_TIME', category: 'EMAIL' });

    const before = Date.now();
    const m = await purchase(tenant.ownerToken, { storeId: tenant.storeId, addOnProductId: monthly.id, quantity: 3 });
    expect(m.userErrors).toEqual([]);
    expect(m.storeAddOn).toMatchObject({
      status: 'ACTIVE',
      quantity: 3,
      domainName: null,
      cancelledAt: null,
      addOnProduct: { id: monthly.id, code: monthly.code },
      store: { id: tenant.storeId },
    });
    const start = Date.parse(m.storeAddOn.periodStart);
    expect(start).toBeGreaterThanOrEqual(before - 1000);
    expect(start).toBeLessThanOrEqual(Date.now() + 1000);
    expect(m.storeAddOn.periodEnd).toBe(addMonths(m.storeAddOn.periodStart, 1));

    const a = await purchase(tenant.ownerToken, { storeId: tenant.storeId, addOnProductId: annual.id });
    expect(a.storeAddOn.quantity).toBe(1);
    expect(a.storeAddOn.periodEnd).toBe(addMonths(a.storeAddOn.periodStart, 12));

    const o = await purchase(tenant.ownerToken, { storeId: tenant.storeId, addOnProductId: once.id });
    expect(o.storeAddOn).toMatchObject({ status: 'ACTIVE', periodEnd: null });
    expect(o.storeAddOn.periodStart).toEqual(expect.any(String));

    const listed = await storeAddOns(tenant.ownerToken, tenant.storeId);
    expect(listed).toEqual([
      { id: m.storeAddOn.id, status: 'ACTIVE', addOnProduct: { code: monthly.code } },
      { id: a.storeAddOn.id, status: 'ACTIVE', addOnProduct: { code: annual.code } },
      { id: o.storeAddOn.id, status: 'ACTIVE', addOnProduct: { code: once.code } },
    ]);
    const node = await server.ok(NODE, { id: m.storeAddOn.id }, { token: tenant.ownerToken });
    expect(node.node).toEqual({ id: m.storeAddOn.id, status: 'ACTIVE' });
  });

  it('needs a valid domainName for a DOMAIN add-on, and refuses one for other categories', async () => {
    const tenant = await createTenant(server, { platform: 'oms' });
    const domain = await createProduct({ category: 'DOMAIN', billingPeriod: 'ANNUAL' });
    const ssl = await createProduct({ category: 'SSL' });

    const missing = await purchase(tenant.ownerToken, { storeId: tenant.storeId, addOnProductId: domain.id });
    expect(missing).toEqual({
      storeAddOn: null,
      userErrors: [{ code: 'INVALID_STATE', message: expect.stringMatching(/domainName/), field: ['domainName'] }],
    });

    const malformed = await server.gql(
      PURCHASE,
      { input: { storeId: tenant.storeId, addOnProductId: domain.id, domainName: 'not a domain!' } },
      { token: tenant.ownerToken },
    );
    expect(malformed.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');

    const extra = await purchase(tenant.ownerToken, {
      storeId: tenant.storeId,
      addOnProductId: ssl.id,
      domainName: 'shop.lu',
    });
    expect(extra.userErrors).toEqual([{ code: 'INVALID_STATE', message: expect.any(String), field: ['domainName'] }]);
    expect(await storeAddOns(tenant.ownerToken, tenant.storeId)).toEqual([]);

    const bought = await purchase(tenant.ownerToken, {
      storeId: tenant.storeId,
      addOnProductId: domain.id,
      domainName: 'My-Shop.LU',
    });
    expect(bought.userErrors).toEqual([]);
    expect(bought.storeAddOn).toMatchObject({ status: 'ACTIVE', domainName: 'my-shop.lu' });
  });

  it('refuses an inactive product with INVALID_STATE and an unknown one with NOT_FOUND', async () => {
    const tenant = await createTenant(server, { platform: 'oms' });
    const product = await createProduct({ isActive: false });
    const refused = await purchase(tenant.ownerToken, { storeId: tenant.storeId, addOnProductId: product.id });
    expect(refused).toEqual({
      storeAddOn: null,
      userErrors: [{ code: 'INVALID_STATE', message: expect.any(String), field: ['addOnProductId'] }],
    });
    const unknown = await purchase(tenant.ownerToken, { storeId: tenant.storeId, addOnProductId: tenant.storeId });
    expect(unknown.userErrors).toEqual([{ code: 'NOT_FOUND', message: expect.any(String), field: ['addOnProductId'] }]);
    expect(await storeAddOns(tenant.ownerToken, tenant.storeId)).toEqual([]);
  });

  it('refuses a second ACTIVE purchase of a product, also when 8 arrive at once', async () => {
    const tenant = await createTenant(server, { platform: 'oms' });
    const product = await createProduct();
    const first = await purchase(tenant.ownerToken, { storeId: tenant.storeId, addOnProductId: product.id });
    expect(first.userErrors).toEqual([]);
    const second = await purchase(tenant.ownerToken, { storeId: tenant.storeId, addOnProductId: product.id });
    expect(second).toEqual({
      storeAddOn: null,
      userErrors: [{ code: 'ALREADY_EXISTS', message: expect.any(String), field: ['addOnProductId'] }],
    });

    const racer = await createTenant(server, { platform: 'oms' });
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        purchase(racer.ownerToken, { storeId: racer.storeId, addOnProductId: product.id }),
      ),
    );
    expect(results.filter((r) => r.storeAddOn)).toHaveLength(1);
    for (const refused of results.filter((r) => !r.storeAddOn)) {
      expect(refused.userErrors).toEqual([
        { code: 'ALREADY_EXISTS', message: expect.any(String), field: ['addOnProductId'] },
      ]);
    }
    expect(await storeAddOns(racer.ownerToken, racer.storeId)).toEqual([
      { id: expect.any(String), status: 'ACTIVE', addOnProduct: { code: product.code } },
    ]);
  });

  it('lets ADMIN buy for any store but not a team member, who only sees it', async () => {
    const tenant = await createTenant(server, { platform: 'oms' });
    const staff = await addTeamMember(server, tenant.ownerToken, tenant.storeId);
    const product = await createProduct();
    const asStaff = await purchase(staff.token, { storeId: tenant.storeId, addOnProductId: product.id });
    expect(asStaff.userErrors).toEqual([{ code: 'NOT_FOUND', message: expect.any(String), field: ['storeId'] }]);
    const asAdmin = await purchase(admin, { storeId: tenant.storeId, addOnProductId: product.id });
    expect(asAdmin.storeAddOn).toMatchObject({ status: 'ACTIVE', store: { id: tenant.storeId } });
    expect(await storeAddOns(staff.token, tenant.storeId)).toEqual([
      { id: asAdmin.storeAddOn.id, status: 'ACTIVE', addOnProduct: { code: product.code } },
    ]);
    const cancel = await server.ok(CANCEL, { input: { id: asAdmin.storeAddOn.id } }, { token: staff.token });
    expect(cancel.cancelAddOn.userErrors).toEqual([{ code: 'NOT_FOUND', message: expect.any(String), field: ['id'] }]);
  });
});

describe('cancelling add-ons', () => {
  it('cancels once, keeps the period end, refuses a second cancel, and allows buying again', async () => {
    const tenant = await createTenant(server, { platform: 'oms' });
    const product = await createProduct({ billingPeriod: 'ANNUAL' });
    const bought = (await purchase(tenant.ownerToken, { storeId: tenant.storeId, addOnProductId: product.id }))
      .storeAddOn;

    const before = Date.now();
    const cancelled = await server.ok(CANCEL, { input: { id: bought.id } }, { token: tenant.ownerToken });
    expect(cancelled.cancelAddOn.userErrors).toEqual([]);
    expect(cancelled.cancelAddOn.storeAddOn).toMatchObject({
      id: bought.id,
      status: 'CANCELLED',
      periodStart: bought.periodStart,
      periodEnd: bought.periodEnd,
    });
    const cancelledAt = Date.parse(cancelled.cancelAddOn.storeAddOn.cancelledAt);
    expect(cancelledAt).toBeGreaterThanOrEqual(before - 1000);
    expect(cancelledAt).toBeLessThanOrEqual(Date.now() + 1000);

    const again = await server.ok(CANCEL, { input: { id: bought.id } }, { token: tenant.ownerToken });
    expect(again.cancelAddOn).toEqual({
      storeAddOn: null,
      userErrors: [{ code: 'INVALID_STATE', message: expect.any(String), field: ['id'] }],
    });

    const rebought = await purchase(tenant.ownerToken, { storeId: tenant.storeId, addOnProductId: product.id });
    expect(rebought.userErrors).toEqual([]);
    expect(await storeAddOns(tenant.ownerToken, tenant.storeId)).toEqual([
      { id: bought.id, status: 'CANCELLED', addOnProduct: { code: product.code } },
      { id: rebought.storeAddOn.id, status: 'ACTIVE', addOnProduct: { code: product.code } },
    ]);
  });

  it('cancels exactly once when 8 cancels arrive at once', async () => {
    const tenant = await createTenant(server, { platform: 'oms' });
    const product = await createProduct();
    const bought = (await purchase(tenant.ownerToken, { storeId: tenant.storeId, addOnProductId: product.id }))
      .storeAddOn;
    const results = await Promise.all(
      Array.from({ length: 8 }, () => server.ok(CANCEL, { input: { id: bought.id } }, { token: tenant.ownerToken })),
    );
    expect(results.filter((r) => r.cancelAddOn.storeAddOn)).toHaveLength(1);
    expect(
      new Set(results.filter((r) => !r.cancelAddOn.storeAddOn).map((r) => r.cancelAddOn.userErrors[0].code)),
    ).toEqual(new Set(['INVALID_STATE']));
  });
});

describe('tenancy', () => {
  it("keeps another merchant's owner out: NOT_FOUND on purchase and cancel, null by node", async () => {
    const [a, b] = await Promise.all([
      createTenant(server, { platform: 'oms' }),
      createTenant(server, { platform: 'oms' }),
    ]);
    const product = await createProduct();
    const own = (await purchase(a.ownerToken, { storeId: a.storeId, addOnProductId: product.id })).storeAddOn;

    const forOther = await purchase(b.ownerToken, { storeId: a.storeId, addOnProductId: product.id });
    expect(forOther).toEqual({
      storeAddOn: null,
      userErrors: [{ code: 'NOT_FOUND', message: expect.any(String), field: ['storeId'] }],
    });

    const cancelOther = await server.ok(CANCEL, { input: { id: own.id } }, { token: b.ownerToken });
    expect(cancelOther.cancelAddOn).toEqual({
      storeAddOn: null,
      userErrors: [{ code: 'NOT_FOUND', message: 'Add-on not found', field: ['id'] }],
    });
    const malformed = await server.ok(CANCEL, { input: { id: product.id } }, { token: a.ownerToken });
    expect(malformed.cancelAddOn.userErrors).toEqual([
      { code: 'NOT_FOUND', message: 'Add-on not found', field: ['id'] },
    ]);

    expect((await server.ok(NODE, { id: own.id }, { token: b.ownerToken })).node).toBeNull();
    expect((await server.ok(NODE, { id: own.id })).node).toBeNull();
    expect(await storeAddOns(a.ownerToken, a.storeId)).toEqual([
      { id: own.id, status: 'ACTIVE', addOnProduct: { code: product.code } },
    ]);
    expect(await storeAddOns(b.ownerToken, b.storeId)).toEqual([]);
  });
});
