import { adminToken, createTenant, joinPlatform, unique } from '../factories/tenancy';
import { TestServer } from '../support/server';

let server: TestServer;
beforeAll(async () => {
  server = await TestServer.start();
});
afterAll(() => server.stop());

const SUBSCRIPTION = `query($id: ID!, $platform: String!) { store(id: $id) { subscription(platformCode: $platform) {
  id status isActive isTrial trialDaysRemaining trialEndsAt periodStart periodEnd isAnnual ordersThisPeriod
  tier { code } storePlatform { tierCode tierName platform { code } }
  usage { orders { used limit remaining } products { used limit remaining } teamMembers { used limit remaining } cmsPages { used limit remaining } }
  canCreateOrder { allowed code current limit upgradeTo { code } }
  canAddProduct { allowed code current limit upgradeTo { code } }
  canAddTeamMember { allowed code message current limit upgradeTo { code } }
  analytics: hasFeature(code: "analytics_dashboard") invoicing: hasFeature(code: "invoice_lu")
  scheduledTierChange { code } cancelledAt paymentRetryCount addOns { id } billingHistory { totalCount }
} } }`;

const CREATE_ORDER = `mutation($input: CreateOrderInput!) { createOrder(input: $input) { order { id } userErrors { code message field } } }`;
const CREATE_PRODUCT = `mutation($input: CreateProductInput!) { createProduct(input: $input) { product { id } userErrors { code message } } }`;

/** Sets subscription columns directly: lifecycle mutations arrive with the rest of this issue. */
async function setSubscription(storeCode: string, columns: string) {
  await server.dataSource.query(
    `UPDATE store_subscriptions SET ${columns} WHERE store_platform_id IN (
       SELECT sp.id FROM store_platforms sp JOIN stores s ON s.id = sp.store_id WHERE s.store_code = $1)`,
    [storeCode],
  );
}

describe('reference data', () => {
  it('has the four tiers with the reference limits; enterprise only for ADMIN', async () => {
    const Q = `{ subscriptionTiers { code name priceMonthlyCents priceAnnualCents ordersPerMonth productsLimit teamMembers
      orderHistoryMonths cmsPagesLimit cmsCustomPagesLimit isPublic featureCodes features { code } } }`;
    const publicTiers = (await server.ok(Q)).subscriptionTiers;
    expect(publicTiers.map((t: { code: string }) => t.code)).toEqual(['essential', 'professional', 'business']);
    expect(publicTiers[0]).toMatchObject({
      name: 'Essential',
      priceMonthlyCents: 4900,
      priceAnnualCents: 49000,
      ordersPerMonth: 100,
      productsLimit: 200,
      teamMembers: 1,
      orderHistoryMonths: 6,
      cmsPagesLimit: 5,
      cmsCustomPagesLimit: 0,
      featureCodes: ['letzshop_sync', 'inventory_basic', 'invoice_lu', 'customer_view', 'cms_basic'],
    });
    expect(publicTiers[1]).toMatchObject({
      ordersPerMonth: 500,
      productsLimit: null,
      teamMembers: 3,
      orderHistoryMonths: 24,
    });
    expect(publicTiers[2]).toMatchObject({
      ordersPerMonth: 2000,
      teamMembers: 10,
      orderHistoryMonths: null,
      cmsPagesLimit: 50,
    });
    expect(publicTiers[2].features.map((f: { code: string }) => f.code)).toContain('analytics_dashboard');

    const all = (await server.ok(Q, {}, { token: await adminToken(server) })).subscriptionTiers;
    const enterprise = all.find((t: { code: string }) => t.code === 'enterprise');
    expect(enterprise).toMatchObject({
      priceMonthlyCents: 39900,
      priceAnnualCents: null,
      ordersPerMonth: null,
      isPublic: false,
      cmsPagesLimit: null,
    });
    expect(enterprise.featureCodes).toEqual(
      expect.arrayContaining(['white_label', 'sla_guarantee', 'cms_unlimited_pages']),
    );
  });

  it("lists a platform's tiers: the global ones, enterprise only for ADMIN", async () => {
    const Q = `{ platform(code: "oms") { tiers { code } } }`;
    const codes = (data: { platform: { tiers: Array<{ code: string }> } }) => data.platform.tiers.map((t) => t.code);
    expect(codes(await server.ok(Q))).toEqual(['essential', 'professional', 'business']);
    expect(codes(await server.ok(Q, {}, { token: await adminToken(server) }))).toEqual([
      'essential',
      'professional',
      'business',
      'enterprise',
    ]);
  });

  it('registers every feature with category, UI metadata and its minimum tier', async () => {
    const data = await server.ok(
      `{ features { code category uiLocation minimumTier { code } } cms: features(category: CMS) { code } }`,
    );
    expect(data.features.length).toBeGreaterThanOrEqual(39);
    // Listed by category, in the order the registry declares its categories, then by display order.
    const ordered = await server.dataSource.query(
      `SELECT code FROM features WHERE is_active ORDER BY category, display_order, id`,
    );
    expect(data.features.map((f: { code: string }) => f.code)).toEqual(ordered.map((r: { code: string }) => r.code));
    const byCode = Object.fromEntries(data.features.map((f: { code: string }) => [f.code, f]));
    expect(byCode.analytics_dashboard).toEqual({
      code: 'analytics_dashboard',
      category: 'ANALYTICS',
      uiLocation: 'SIDEBAR',
      minimumTier: { code: 'business' },
    });
    expect(byCode.customer_export.minimumTier).toEqual({ code: 'professional' });
    expect(byCode.invoice_lu.minimumTier).toEqual({ code: 'essential' });
    expect(byCode.white_label.minimumTier).toBeNull();
    expect(data.cms.map((f: { code: string }) => f.code).sort()).toEqual([
      'cms_basic',
      'cms_custom_pages',
      'cms_scheduling',
      'cms_seo',
      'cms_templates',
      'cms_unlimited_pages',
    ]);
  });
});

describe('a new membership', () => {
  it('starts a 30-day TRIAL on essential by default, with limits, usage and features', async () => {
    const tenant = await createTenant(server, { platform: 'oms' });
    const { store } = await server.ok(
      SUBSCRIPTION,
      { id: tenant.storeId, platform: 'oms' },
      { token: tenant.ownerToken },
    );
    const sub = store.subscription;
    expect(sub).toMatchObject({
      status: 'TRIAL',
      isActive: true,
      isTrial: true,
      isAnnual: false,
      ordersThisPeriod: 0,
      tier: { code: 'essential' },
      storePlatform: { tierCode: 'essential', tierName: 'Essential', platform: { code: 'oms' } },
      usage: {
        orders: { used: 0, limit: 100, remaining: 100 },
        products: { used: 0, limit: 200, remaining: 200 },
        teamMembers: { used: 0, limit: 1, remaining: 1 },
        cmsPages: { used: 0, limit: 5, remaining: 5 },
      },
      canCreateOrder: { allowed: true, code: null, current: 0, limit: 100, upgradeTo: null },
      analytics: false,
      invoicing: true,
      scheduledTierChange: null,
      cancelledAt: null,
      paymentRetryCount: 0,
      addOns: [],
      billingHistory: { totalCount: 0 },
    });
    expect(sub.trialDaysRemaining).toBeGreaterThanOrEqual(29);
    expect(new Date(sub.trialEndsAt).getTime() - new Date(sub.periodStart).getTime()).toBe(30 * 86_400_000);
    expect(sub.periodEnd).toBe(sub.trialEndsAt);
  });

  it('takes the chosen tier, and refuses an unknown one without joining', async () => {
    const tenant = await createTenant(server);
    await joinPlatform(server, tenant.ownerToken, tenant.storeId, 'oms', { tierCode: 'business' });
    const unknown = await server.ok(
      `mutation($input: AddStoreToPlatformInput!) { addStoreToPlatform(input: $input) { storePlatform { id } userErrors { code field } } }`,
      { input: { storeId: tenant.storeId, platformCode: 'loyalty', tierCode: 'platinum' } },
      { token: tenant.ownerToken },
    );
    expect(unknown.addStoreToPlatform).toEqual({
      storePlatform: null,
      userErrors: [{ code: 'NOT_FOUND', field: ['tierCode'] }],
    });
    const { store } = await server.ok(
      `query($id: ID!) { store(id: $id) { platforms { platform { code } } subscription(platformCode: "oms") { tier { code } analytics: hasFeature(code: "analytics_dashboard") } } }`,
      { id: tenant.storeId },
      { token: tenant.ownerToken },
    );
    expect(store.platforms).toEqual([{ platform: { code: 'oms' } }]);
    expect(store.subscription).toEqual({ tier: { code: 'business' }, analytics: true });
  });

  it('answers featureAccess with the tier that unlocks a feature, and nothing for a foreign store', async () => {
    const tenant = await createTenant(server, { platform: 'oms' });
    const other = await createTenant(server, { platform: 'oms' });
    const Q = `query($id: ID!, $code: String!) { featureAccess(storeId: $id, platformCode: "oms", code: $code) { enabled feature { code } upgradeTo { code } } }`;
    const locked = await server.ok(
      Q,
      { id: tenant.storeId, code: 'analytics_dashboard' },
      { token: tenant.ownerToken },
    );
    expect(locked.featureAccess).toEqual({
      enabled: false,
      feature: { code: 'analytics_dashboard' },
      upgradeTo: { code: 'business' },
    });
    const open = await server.ok(Q, { id: tenant.storeId, code: 'invoice_lu' }, { token: tenant.ownerToken });
    expect(open.featureAccess).toMatchObject({ enabled: true, upgradeTo: null });
    const foreign = await server.ok(Q, { id: other.storeId, code: 'invoice_lu' }, { token: tenant.ownerToken });
    expect(foreign.featureAccess.enabled).toBe(false);
  });
});

describe('limits', () => {
  it('lets exactly 10 of 50 concurrent createOrder through when 10 are left', async () => {
    const tenant = await createTenant(server, { platform: 'oms' });
    await setSubscription(tenant.storeCode, 'orders_this_period = 90');
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        server.ok(
          CREATE_ORDER,
          { input: { storeId: tenant.storeId, totalCents: 100 + i } },
          { token: tenant.ownerToken },
        ),
      ),
    );
    const created = results.filter((r) => r.createOrder.order);
    expect(created).toHaveLength(10);
    for (const refused of results.filter((r) => !r.createOrder.order)) {
      expect(refused.createOrder.userErrors).toEqual([
        { code: 'LIMIT_REACHED', message: expect.stringContaining('100'), field: ['storeId'] },
      ]);
    }
    const { store } = await server.ok(
      SUBSCRIPTION,
      { id: tenant.storeId, platform: 'oms' },
      { token: tenant.ownerToken },
    );
    expect(store.subscription.ordersThisPeriod).toBe(100);
    expect(store.subscription.canCreateOrder).toEqual({
      allowed: false,
      code: 'LIMIT_REACHED',
      current: 100,
      limit: 100,
      upgradeTo: { code: 'professional' },
    });
    const [orders] = await server.dataSource.query(
      `SELECT count(*)::int AS n FROM orders o JOIN stores s ON s.id = o.store_id WHERE s.store_code = $1`,
      [tenant.storeCode],
    );
    expect(orders.n).toBe(10);
  });

  it('never passes the product limit under concurrency, and honours a custom override', async () => {
    const tenant = await createTenant(server, { platform: 'oms' });
    await setSubscription(tenant.storeCode, 'custom_products_limit = 3');
    const results = await Promise.all(
      Array.from({ length: 12 }, () =>
        server.ok(
          CREATE_PRODUCT,
          { input: { storeId: tenant.storeId, sku: unique('sku'), name: 'P', priceCents: 1 } },
          { token: tenant.ownerToken },
        ),
      ),
    );
    expect(results.filter((r) => r.createProduct.product)).toHaveLength(3);
    expect(
      new Set(results.filter((r) => !r.createProduct.product).map((r) => r.createProduct.userErrors[0].code)),
    ).toEqual(new Set(['LIMIT_REACHED']));
    const { store } = await server.ok(
      SUBSCRIPTION,
      { id: tenant.storeId, platform: 'oms' },
      { token: tenant.ownerToken },
    );
    expect(store.subscription.usage.products).toEqual({ used: 3, limit: 3, remaining: 0 });
  });

  it('counts pending invitations against the team limit', async () => {
    const tenant = await createTenant(server, { platform: 'oms' });
    const INVITE = `mutation($input: InviteTeamMemberInput!) { inviteTeamMember(input: $input) { storeUser { id } userErrors { code message } } }`;
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        server.ok(
          INVITE,
          { input: { storeId: tenant.storeId, email: `${unique()}@example.lu`, role: 'STAFF' } },
          { token: tenant.ownerToken },
        ),
      ),
    );
    expect(results.filter((r) => r.inviteTeamMember.storeUser)).toHaveLength(1);
    const { store } = await server.ok(
      SUBSCRIPTION,
      { id: tenant.storeId, platform: 'oms' },
      { token: tenant.ownerToken },
    );
    expect(store.subscription.canAddTeamMember).toMatchObject({
      allowed: false,
      code: 'LIMIT_REACHED',
      current: 1,
      limit: 1,
      upgradeTo: { code: 'professional' },
    });
  });

  it('refuses everything with SUBSCRIPTION_INACTIVE once the subscription expired, and NOT_ON_PLATFORM without one', async () => {
    const tenant = await createTenant(server, { platform: 'oms' });
    await setSubscription(tenant.storeCode, `status = 'EXPIRED'`);
    const order = await server.ok(
      CREATE_ORDER,
      { input: { storeId: tenant.storeId, totalCents: 1 } },
      { token: tenant.ownerToken },
    );
    expect(order.createOrder.userErrors[0].code).toBe('SUBSCRIPTION_INACTIVE');
    const product = await server.ok(
      CREATE_PRODUCT,
      { input: { storeId: tenant.storeId, sku: 'X', name: 'X', priceCents: 1 } },
      { token: tenant.ownerToken },
    );
    expect(product.createProduct.userErrors[0].code).toBe('SUBSCRIPTION_INACTIVE');
    const { store } = await server.ok(
      SUBSCRIPTION,
      { id: tenant.storeId, platform: 'oms' },
      { token: tenant.ownerToken },
    );
    expect(store.subscription).toMatchObject({
      isActive: false,
      analytics: false,
      invoicing: false,
      canCreateOrder: { allowed: false, code: 'SUBSCRIPTION_INACTIVE' },
    });

    const bare = await createTenant(server);
    const none = await server.ok(
      CREATE_ORDER,
      { input: { storeId: bare.storeId, totalCents: 1 } },
      { token: bare.ownerToken },
    );
    expect(none.createOrder.userErrors[0].code).toBe('NOT_ON_PLATFORM');
  });

  it('keeps a store subscription private to its scope', async () => {
    const tenant = await createTenant(server, { platform: 'loyalty' });
    const result = await server.gql(
      `{ currentStore { name subscription(platformCode: "loyalty") { status } } }`,
      {},
      { host: `${tenant.subdomain}.loyalty.localhost` },
    );
    expect(result.errors?.[0].extensions.code).toBe('FORBIDDEN');
  });
});
