import { SubscriptionStatus } from '../../src/entities/subscriptions/enums';
import { StoreSubscription } from '../../src/entities/subscriptions/store-subscription.entity';
import { SubscriptionTier } from '../../src/entities/subscriptions/subscription-tier.entity';
import { StorePlatform } from '../../src/entities/tenancy/store-platform.entity';
import { findGoverningSubscription } from '../../src/repositories/subscriptions/subscription.repository';
import {
  activeOnPlatformSql,
  allowsAccessSql,
  effectiveLimitSql,
  governsStoreSql,
  storeGrantsFeatureSql,
} from '../../src/repositories/subscriptions/subscription-rules.sql';
import { allowsAccess, effectiveLimit, type LimitKind } from '../../src/services/subscriptions/limit-rules';
import { activeOnPlatform, governsStore, grantsFeature } from '../../src/services/subscriptions/subscription-rules';
import { createTenant, joinPlatform } from '../factories/tenancy';
import { dbId } from '../support/ids';
import { TestServer } from '../support/server';

/**
 * The subscription rules that statements must apply inside the database
 * (which subscription governs a store, the feature gate, the effective limit,
 * the access statuses) have an SQL form next to their TypeScript form. Here
 * both are evaluated on the same rows, stores set up to differ in every way
 * the rules look at, and must agree row for row.
 */
let server: TestServer;
let storeIds: number[];
beforeAll(async () => {
  server = await TestServer.start();
  storeIds = await varietyOfStores();
});
afterAll(() => server.stop());

const STATUSES = Object.values(SubscriptionStatus);
const KINDS: LimitKind[] = ['orders', 'products', 'teamMembers'];

/**
 * Nine stores on `oms` (primary, started as a trial), then changed by SQL:
 * every status, every tier and none, custom limits null/0/7, and three
 * stores with a second membership on `loyalty` (ACTIVE on the richest
 * tier): one keeps oms primary (inactive), one has its primary membership
 * soft-deleted, one makes loyalty its primary.
 */
async function varietyOfStores(): Promise<number[]> {
  const tenant = await createTenant(server, { stores: 9, platform: 'oms' });
  const ids = tenant.storeIds.map(dbId);
  const tiers: Array<{ id: number }> = await server.sql(
    `SELECT id FROM subscription_tiers ORDER BY jsonb_array_length(features), id`,
  );
  const richest = tiers[tiers.length - 1].id;
  const custom = [null, 0, 7];
  for (const [i, storeId] of ids.entries()) {
    await server.sql(
      `UPDATE store_subscriptions SET status = $2, tier_id = $3,
              custom_orders_limit = $4, custom_products_limit = $5, custom_team_limit = $6
        WHERE store_platform_id IN (SELECT id FROM store_platforms WHERE store_id = $1)`,
      [
        storeId,
        STATUSES[i % STATUSES.length],
        i === 7 ? null : tiers[i % tiers.length].id,
        custom[i % 3],
        custom[(i + 1) % 3],
        custom[(i + 2) % 3],
      ],
    );
  }
  for (const i of [5, 6, 8]) {
    await joinPlatform(server, tenant.ownerToken, tenant.storeIds[i], 'loyalty', { isPrimary: false });
    await server.sql(
      `UPDATE store_subscriptions SET status = 'ACTIVE', tier_id = $2 WHERE store_platform_id IN (
         SELECT sp.id FROM store_platforms sp JOIN platforms p ON p.id = sp.platform_id
          WHERE sp.store_id = $1 AND p.code = 'loyalty')`,
      [ids[i], richest],
    );
  }
  await server.sql(`UPDATE store_platforms SET deleted_at = now() WHERE store_id = $1 AND is_primary`, [ids[6]]);
  await server.sql(`UPDATE store_platforms SET is_active = false WHERE store_id = $1 AND is_primary`, [ids[5]]);
  await server.sql(`UPDATE store_platforms SET is_primary = false WHERE store_id = $1`, [ids[8]]);
  await server.sql(
    `UPDATE store_platforms SET is_primary = true WHERE store_id = $1 AND platform_id = (
       SELECT id FROM platforms WHERE code = 'loyalty')`,
    [ids[8]],
  );
  return ids;
}

/** The TypeScript side: a store's memberships (deleted ones too), the one governsStore picks, its subscription and tier. */
async function governingByTs(storeId: number) {
  const em = server.dataSource.manager;
  const memberships = await em.find(StorePlatform, { where: { storeId }, withDeleted: true });
  const governing = memberships.filter(governsStore);
  expect(governing.length).toBeLessThanOrEqual(1);
  const subscription = governing[0]
    ? await em.findOneBy(StoreSubscription, { storePlatformId: governing[0].id })
    : null;
  const tier = subscription?.tierId ? await em.findOneBy(SubscriptionTier, { id: subscription.tierId }) : null;
  return { subscription, tier };
}

it('governsStore and its SQL pick the same subscription of every store', async () => {
  const picked: Array<number | null> = [];
  for (const storeId of storeIds) {
    const ts = (await governingByTs(storeId)).subscription?.id ?? null;
    const [row] = await server.sql(
      `SELECT sub.id FROM store_subscriptions sub JOIN store_platforms sp ON sp.id = sub.store_platform_id
        WHERE sp.store_id = $1 AND ${governsStoreSql('sp')}`,
      [storeId],
    );
    const repository = (await findGoverningSubscription(server.dataSource.manager, storeId, false))?.id ?? null;
    expect({ storeId, sql: row?.id ?? null, repository }).toEqual({ storeId, sql: ts, repository: ts });
    picked.push(ts);
  }
  // Not vacuous: the soft-deleted primary governs nothing, the others something, store 8 its loyalty membership.
  expect(picked.filter((id) => id === null)).toHaveLength(1);
});

it('activeOnPlatform and its SQL agree on every membership, deleted and inactive ones too', async () => {
  const answers: boolean[] = [];
  for (const storeId of storeIds) {
    const memberships = await server.dataSource.manager.find(StorePlatform, { where: { storeId }, withDeleted: true });
    const rows: Array<{ id: number; active: boolean }> = await server.sql(
      `SELECT sp.id, (${activeOnPlatformSql('sp')}) AS active FROM store_platforms sp WHERE sp.store_id = $1`,
      [storeId],
    );
    const sql = new Map(rows.map((r) => [r.id, r.active]));
    for (const membership of memberships) {
      const ts = activeOnPlatform(membership);
      expect({ id: membership.id, active: sql.get(membership.id) }).toEqual({ id: membership.id, active: ts });
      answers.push(ts);
    }
  }
  // Not vacuous: store 6's deleted primary and store 5's inactive one are off their platform, the rest on.
  expect(answers.filter((a) => !a)).toHaveLength(2);
  expect(answers.filter((a) => a).length).toBeGreaterThan(2);
});

it('grantsFeature and storeGrantsFeatureSql agree for every store and feature', async () => {
  const codes: Array<{ code: string }> = await server.sql(
    `SELECT DISTINCT jsonb_array_elements_text(features) AS code FROM subscription_tiers ORDER BY 1`,
  );
  const features = [...codes.map((c) => c.code), 'no_such_feature'];
  const answers = new Set<boolean>();
  for (const storeId of storeIds) {
    const { subscription, tier } = await governingByTs(storeId);
    for (const code of features) {
      const ts = subscription ? grantsFeature(subscription, tier, code) : false;
      const [{ granted }] = await server.sql(`SELECT ${storeGrantsFeatureSql('$1::int', '$2::text')} AS granted`, [
        storeId,
        code,
      ]);
      expect({ storeId, code, granted }).toEqual({ storeId, code, granted: ts });
      answers.add(ts);
    }
  }
  expect([...answers].sort()).toEqual([false, true]);
});

it('effectiveLimit and allowsAccess agree with their SQL on every subscription', async () => {
  const em = server.dataSource.manager;
  const subscriptions = await em
    .createQueryBuilder(StoreSubscription, 'sub')
    .withDeleted()
    .innerJoin(StorePlatform, 'sp', 'sp.id = sub.store_platform_id')
    .where('sp.store_id = ANY(:storeIds)', { storeIds })
    .getMany();
  const limits = new Set<string>();
  for (const subscription of subscriptions) {
    const tier = subscription.tierId ? await em.findOneBy(SubscriptionTier, { id: subscription.tierId }) : null;
    const [row] = await server.sql(
      `SELECT ${KINDS.map((kind) => `${effectiveLimitSql(kind, 'sub')} AS "${kind}"`).join(', ')},
              ${allowsAccessSql('sub')} AS access
         FROM store_subscriptions sub WHERE sub.id = $1`,
      [subscription.id],
    );
    const ts = Object.fromEntries(KINDS.map((kind) => [kind, effectiveLimit(subscription, tier, kind)]));
    expect({ id: subscription.id, ...row }).toEqual({ id: subscription.id, ...ts, access: allowsAccess(subscription) });
    for (const kind of KINDS) limits.add(ts[kind] === null ? 'unlimited' : ts[kind] === 0 ? 'zero' : 'some');
  }
  expect(subscriptions.length).toBe(12);
  expect([...limits].sort()).toEqual(['some', 'unlimited', 'zero']);
  expect(new Set(subscriptions.map((s) => s.status)).size).toBe(STATUSES.length);
});
