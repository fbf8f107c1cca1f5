import { addTeamMember, adminToken, createTenant, type Tenant } from '../factories/tenancy';
import { TestServer } from '../support/server';

// The database is shared with test files running in parallel, and the maintenance jobs act on every
// due row: so these tests move their own rows' dates next to "now" and advance the clock by hours,
// never by the 30 days that would make other files' trials due.
let server: TestServer;
let admin: string;
beforeAll(async () => {
  server = await TestServer.start({ TEST_CLOCK: '1' });
  admin = await adminToken(server);
});
afterAll(() => server.stop());

const SUB = `query($id: ID!) { store(id: $id) { subscription(platformCode: "oms") {
  id status isActive ordersThisPeriod periodStart periodEnd trialEndsAt cancelledAt cancellationReason
  tier { code } scheduledTierChange { code } scheduledChangeAt analytics: hasFeature(code: "analytics_dashboard")
  usage { orders { used limit } teamMembers { used limit } }
} } }`;
const CHANGE = `mutation($input: ChangeSubscriptionTierInput!) { changeSubscriptionTier(input: $input) {
  subscription { tier { code } scheduledTierChange { code } scheduledChangeAt periodEnd } userErrors { code message field } } }`;
const RUN = `mutation($job: MaintenanceJob!) { runMaintenance(input: { job: $job }) { processed userErrors { code } } }`;
const ADVANCE = `mutation($s: PositiveInt!) { advanceTestClock(input: { seconds: $s }) { now } }`;

async function subscriptionOf(tenant: Tenant) {
  return (await server.ok(SUB, { id: tenant.storeId }, { token: tenant.ownerToken })).store.subscription;
}

async function sql(storeCode: string, set: string, params: unknown[] = []) {
  await server.dataSource.query(
    `UPDATE store_subscriptions SET ${set} WHERE store_platform_id IN (
       SELECT sp.id FROM store_platforms sp JOIN stores s ON s.id = sp.store_id WHERE s.store_code = $1)`,
    [storeCode, ...params],
  );
}

/** Service time as the server sees it (it may have been advanced). */
async function serverNow(): Promise<Date> {
  return new Date((await server.ok(ADVANCE, { s: 1 }, { token: admin })).advanceTestClock.now);
}

describe('the test clock', () => {
  it('exists only with TEST_CLOCK=1 and only for ADMIN', async () => {
    const tenant = await createTenant(server);
    const refused = await server.gql(ADVANCE, { s: 60 }, { token: tenant.ownerToken });
    expect(refused.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const before = await serverNow();
    const after = new Date((await server.ok(ADVANCE, { s: 3600 }, { token: admin })).advanceTestClock.now);
    expect(after.getTime() - before.getTime()).toBeGreaterThanOrEqual(3600_000);

    const plain = await TestServer.start();
    try {
      const missing = await plain.gql(ADVANCE, { s: 60 }, { token: admin });
      expect(missing.errors?.[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    } finally {
      await plain.stop();
    }
  });
});

describe('trial expiry', () => {
  it('expires a trial without a card and activates one with a card, at trial end on the service clock', async () => {
    const [noCard, withCard] = await Promise.all([
      createTenant(server, { platform: 'oms' }),
      createTenant(server, { platform: 'oms' }),
    ]);
    const now = await serverNow();
    const soon = new Date(now.getTime() + 3600_000);
    await sql(noCard.storeCode, `trial_ends_at = $2, period_end = $2`, [soon]);
    await sql(withCard.storeCode, `trial_ends_at = $2, period_end = $2, card_collected_at = $2`, [soon]);

    expect((await server.ok(RUN, { job: 'TRIAL_EXPIRY' }, { token: admin })).runMaintenance.processed).toBe(0);
    await server.ok(ADVANCE, { s: 7200 }, { token: admin });
    expect(
      (await server.ok(RUN, { job: 'TRIAL_EXPIRY' }, { token: admin })).runMaintenance.processed,
    ).toBeGreaterThanOrEqual(2);

    expect(await subscriptionOf(noCard)).toMatchObject({ status: 'EXPIRED', isActive: false });
    const order = await server.ok(
      `mutation($input: CreateOrderInput!) { createOrder(input: $input) { userErrors { code } } }`,
      { input: { storeId: noCard.storeId, totalCents: 100 } },
      { token: noCard.ownerToken },
    );
    expect(order.createOrder.userErrors).toEqual([{ code: 'SUBSCRIPTION_INACTIVE' }]);

    const active = await subscriptionOf(withCard);
    expect(active).toMatchObject({ status: 'ACTIVE', isActive: true, periodStart: soon.toISOString() });
    const end = new Date(soon);
    end.setUTCMonth(end.getUTCMonth() + 1);
    expect(active.periodEnd).toBe(end.toISOString());
  });
});

describe('changeSubscriptionTier', () => {
  it('upgrades at once and schedules a downgrade for period end', async () => {
    const tenant = await createTenant(server, { platform: 'oms' });
    const up = await server.ok(
      CHANGE,
      { input: { storeId: tenant.storeId, platformCode: 'oms', tierCode: 'business' } },
      { token: tenant.ownerToken },
    );
    expect(up.changeSubscriptionTier).toMatchObject({
      subscription: { tier: { code: 'business' }, scheduledTierChange: null },
      userErrors: [],
    });
    expect((await subscriptionOf(tenant)).analytics).toBe(true);

    const down = await server.ok(
      CHANGE,
      { input: { storeId: tenant.storeId, platformCode: 'oms', tierCode: 'professional' } },
      { token: tenant.ownerToken },
    );
    const sub = down.changeSubscriptionTier.subscription;
    expect(sub.tier).toEqual({ code: 'business' });
    expect(sub.scheduledTierChange).toEqual({ code: 'professional' });
    expect(sub.scheduledChangeAt).toBe(sub.periodEnd);

    const same = await server.ok(
      CHANGE,
      { input: { storeId: tenant.storeId, platformCode: 'oms', tierCode: 'business' } },
      { token: tenant.ownerToken },
    );
    expect(same.changeSubscriptionTier.userErrors[0].code).toBe('INVALID_STATE');
  });

  it('refuses a downgrade below current usage with a clear message', async () => {
    const tenant = await createTenant(server, { platform: 'oms' });
    await server.ok(
      CHANGE,
      { input: { storeId: tenant.storeId, platformCode: 'oms', tierCode: 'professional' } },
      { token: tenant.ownerToken },
    );
    await addTeamMember(server, tenant.ownerToken, tenant.storeId);
    await addTeamMember(server, tenant.ownerToken, tenant.storeId);
    const down = await server.ok(
      CHANGE,
      { input: { storeId: tenant.storeId, platformCode: 'oms', tierCode: 'essential' } },
      { token: tenant.ownerToken },
    );
    expect(down.changeSubscriptionTier.subscription).toBeNull();
    expect(down.changeSubscriptionTier.userErrors).toEqual([
      { code: 'LIMIT_REACHED', message: 'Essential allows 1 team members; the store has 2', field: ['tierCode'] },
    ]);
    expect((await subscriptionOf(tenant)).scheduledTierChange).toBeNull();
  });

  it('is for the owner or ADMIN only, and NOT_FOUND for another merchant', async () => {
    const tenant = await createTenant(server, { platform: 'oms' });
    const other = await createTenant(server, { platform: 'oms' });
    const foreign = await server.ok(
      CHANGE,
      { input: { storeId: tenant.storeId, platformCode: 'oms', tierCode: 'business' } },
      { token: other.ownerToken },
    );
    expect(foreign.changeSubscriptionTier.userErrors[0].code).toBe('NOT_FOUND');
    const notOn = await server.ok(
      CHANGE,
      { input: { storeId: tenant.storeId, platformCode: 'loyalty', tierCode: 'business' } },
      { token: tenant.ownerToken },
    );
    expect(notOn.changeSubscriptionTier.userErrors[0].code).toBe('NOT_ON_PLATFORM');
  });
});

describe('period rollover and cancellation', () => {
  it('starts a new period: counters reset and the scheduled tier applied', async () => {
    const tenant = await createTenant(server, { platform: 'oms' });
    await server.ok(
      CHANGE,
      { input: { storeId: tenant.storeId, platformCode: 'oms', tierCode: 'business' } },
      { token: tenant.ownerToken },
    );
    await server.ok(
      CHANGE,
      { input: { storeId: tenant.storeId, platformCode: 'oms', tierCode: 'essential' } },
      { token: tenant.ownerToken },
    );
    const now = await serverNow();
    const end = new Date(now.getTime() + 3600_000);
    await sql(
      tenant.storeCode,
      `status = 'ACTIVE', period_end = $2, scheduled_change_at = $2, orders_this_period = 42`,
      [end],
    );
    await server.ok(ADVANCE, { s: 7200 }, { token: admin });
    expect(
      (await server.ok(RUN, { job: 'PERIOD_ROLLOVER' }, { token: admin })).runMaintenance.processed,
    ).toBeGreaterThanOrEqual(1);
    const sub = await subscriptionOf(tenant);
    const next = new Date(end);
    next.setUTCMonth(next.getUTCMonth() + 1);
    expect(sub).toMatchObject({
      status: 'ACTIVE',
      ordersThisPeriod: 0,
      tier: { code: 'essential' },
      scheduledTierChange: null,
      periodStart: end.toISOString(),
      periodEnd: next.toISOString(),
      usage: { orders: { used: 0, limit: 100 } },
    });
  });

  it('keeps access after cancelSubscription until the period ends, then expires', async () => {
    const tenant = await createTenant(server, { platform: 'oms' });
    const now = await serverNow();
    const end = new Date(now.getTime() + 3600_000);
    await sql(tenant.storeCode, `status = 'ACTIVE', period_end = $2`, [end]);
    const CANCEL = `mutation($input: CancelSubscriptionInput!) { cancelSubscription(input: $input) { subscription { status isActive cancelledAt cancellationReason } userErrors { code } } }`;
    const cancelled = await server.ok(
      CANCEL,
      { input: { storeId: tenant.storeId, platformCode: 'oms', reason: 'Closing the shop' } },
      { token: tenant.ownerToken },
    );
    expect(cancelled.cancelSubscription.subscription).toMatchObject({
      status: 'CANCELLED',
      isActive: true,
      cancellationReason: 'Closing the shop',
    });
    const again = await server.ok(
      CANCEL,
      { input: { storeId: tenant.storeId, platformCode: 'oms' } },
      { token: tenant.ownerToken },
    );
    expect(again.cancelSubscription.userErrors).toEqual([{ code: 'INVALID_STATE' }]);

    await server.ok(ADVANCE, { s: 7200 }, { token: admin });
    await server.ok(RUN, { job: 'PERIOD_ROLLOVER' }, { token: admin });
    expect(await subscriptionOf(tenant)).toMatchObject({ status: 'EXPIRED', isActive: false });
  });
});

describe('ADMIN tools', () => {
  it('sets and clears custom limits on a subscription', async () => {
    const tenant = await createTenant(server, { platform: 'oms' });
    const { id } = await subscriptionOf(tenant);
    const SET = `mutation($input: SetSubscriptionOverridesInput!) { setSubscriptionOverrides(input: $input) {
      subscription { usage { orders { limit } teamMembers { limit } } } userErrors { code } } }`;
    const set = await server.ok(
      SET,
      { input: { subscriptionId: id, customOrdersLimit: 5, customTeamLimit: 7 } },
      { token: admin },
    );
    expect(set.setSubscriptionOverrides.subscription.usage).toEqual({
      orders: { limit: 5 },
      teamMembers: { limit: 7 },
    });
    const cleared = await server.ok(SET, { input: { subscriptionId: id, customOrdersLimit: null } }, { token: admin });
    expect(cleared.setSubscriptionOverrides.subscription.usage).toEqual({
      orders: { limit: 100 },
      teamMembers: { limit: 7 },
    });
    const refused = await server.gql(
      SET,
      { input: { subscriptionId: id, customOrdersLimit: 1000 } },
      { token: tenant.ownerToken },
    );
    expect(refused.errors?.[0].extensions.code).toBe('FORBIDDEN');
  });

  it('updates a tier, refusing unknown feature codes', async () => {
    const { subscriptionTiers } = await server.ok(`{ subscriptionTiers { id code } }`, {}, { token: admin });
    const enterprise = subscriptionTiers.find((t: { code: string }) => t.code === 'enterprise');
    const UPDATE = `mutation($input: UpdateSubscriptionTierInput!) { updateSubscriptionTier(input: $input) {
      tier { stripePriceMonthlyId stripePriceAnnualId featureCodes } userErrors { code field } } }`;
    const updated = await server.ok(
      UPDATE,
      { input: { id: enterprise.id, stripePriceMonthlyId: 'price_ent_m', stripePriceAnnualId: 'price_ent_y' } },
      { token: admin },
    );
    expect(updated.updateSubscriptionTier.tier).toMatchObject({
      stripePriceMonthlyId: 'price_ent_m',
      stripePriceAnnualId: 'price_ent_y',
    });
    expect(updated.updateSubscriptionTier.tier.featureCodes).toContain('white_label');
    const unknown = await server.ok(
      UPDATE,
      { input: { id: enterprise.id, featureCodes: ['white_label', 'teleportation'] } },
      { token: admin },
    );
    expect(unknown.updateSubscriptionTier.userErrors).toEqual([{ code: 'NOT_FOUND', field: ['featureCodes'] }]);
  });

  it("answers a tier change with the tier's new features, though the catalogue was in memory", async () => {
    const TIERS = `{ subscriptionTiers { id code featureCodes features { code } } }`;
    const tiers = (await server.ok(TIERS, {}, { token: admin })).subscriptionTiers; // the catalogue is in memory now
    const enterprise = tiers.find((t: { code: string }) => t.code === 'enterprise');
    expect(enterprise.featureCodes).not.toContain('order_export');
    const SET = `mutation($input: UpdateSubscriptionTierInput!) { updateSubscriptionTier(input: $input) {
      tier { features { code } } userErrors { code } } }`;
    try {
      const changed = await server.ok(
        SET,
        { input: { id: enterprise.id, featureCodes: [...enterprise.featureCodes, 'order_export'] } },
        { token: admin },
      );
      expect(changed.updateSubscriptionTier.userErrors).toEqual([]);
      expect(changed.updateSubscriptionTier.tier.features.map((f: { code: string }) => f.code)).toContain(
        'order_export',
      );
      const after = (await server.ok(TIERS, {}, { token: admin })).subscriptionTiers;
      expect(after.find((t: { code: string }) => t.code === 'enterprise').features).toContainEqual({
        code: 'order_export',
      });
    } finally {
      await server.ok(SET, { input: { id: enterprise.id, featureCodes: enterprise.featureCodes } }, { token: admin });
    }
  });

  it('takes a capacity snapshot and lists it by date', async () => {
    await createTenant(server, { platform: 'oms' });
    expect((await server.ok(RUN, { job: 'CAPACITY_SNAPSHOT' }, { token: admin })).runMaintenance.processed).toBe(1);
    const now = await serverNow();
    const data = await server.ok(
      `query($from: DateTime!, $to: DateTime!) { capacitySnapshots(from: $from, to: $to) {
        snapshotDate totalStores activeStores trialStores totalSubscriptions activeSubscriptions totalProducts
        totalOrdersMonth totalTeamMembers dbSizeMb storageUsedGb theoreticalOrdersLimit tierDistribution peakMemoryPercent } }`,
      { from: new Date(now.getTime() - 86_400_000).toISOString(), to: now.toISOString() },
      { token: admin },
    );
    const [snapshot] = data.capacitySnapshots.slice(-1);
    expect(snapshot.totalStores).toBeGreaterThanOrEqual(1);
    expect(snapshot.totalSubscriptions).toBeGreaterThanOrEqual(snapshot.activeSubscriptions);
    expect(snapshot.activeSubscriptions).toBeGreaterThanOrEqual(1);
    expect(snapshot.dbSizeMb).toBeGreaterThan(0);
    expect(snapshot.theoreticalOrdersLimit).toBeGreaterThanOrEqual(100);
    expect(Object.keys(snapshot.tierDistribution)).toContain('essential');
    expect(snapshot.peakMemoryPercent).toBeGreaterThan(0);
  });
});

describe('order history', () => {
  it("lists only the tier's orderHistoryMonths of orders", async () => {
    const tenant = await createTenant(server, { platform: 'oms' });
    const CREATE = `mutation($input: CreateOrderInput!) { createOrder(input: $input) { order { id } } }`;
    const recent = await server.ok(
      CREATE,
      { input: { storeId: tenant.storeId, totalCents: 100, reference: 'recent' } },
      { token: tenant.ownerToken },
    );
    const old = await server.ok(
      CREATE,
      { input: { storeId: tenant.storeId, totalCents: 100, reference: 'old' } },
      { token: tenant.ownerToken },
    );
    await server.dataSource.query(
      `UPDATE orders SET placed_at = now() - interval '7 months' WHERE reference = 'old' AND store_id = (SELECT id FROM stores WHERE store_code = $1)`,
      [tenant.storeCode],
    );
    const ORDERS = `query($id: ID!) { store(id: $id) { orders { totalCount edges { node { id } } } } }`;
    const essential = await server.ok(ORDERS, { id: tenant.storeId }, { token: tenant.ownerToken });
    expect(essential.store.orders).toEqual({ totalCount: 1, edges: [{ node: { id: recent.createOrder.order.id } }] });
    await server.ok(
      CHANGE,
      { input: { storeId: tenant.storeId, platformCode: 'oms', tierCode: 'business' } },
      { token: tenant.ownerToken },
    );
    const business = await server.ok(ORDERS, { id: tenant.storeId }, { token: tenant.ownerToken });
    expect(business.store.orders.totalCount).toBe(2);
    expect(business.store.orders.edges.map((e: { node: { id: string } }) => e.node.id)).toContain(
      old.createOrder.order.id,
    );
  });
});
