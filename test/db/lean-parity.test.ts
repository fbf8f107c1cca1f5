import type { FindOptionsWhere, ObjectLiteral } from 'typeorm';

import { leanShape } from '../../src/db/lean';
import { createLoyaltyTenant, enroll } from '../factories/loyalty';
import { addTeamMember, createTenant } from '../factories/tenancy';
import { testServer } from '../support/server';

/**
 * Lean reads (rows PostgreSQL turns into JSON, src/db/lean.ts) and TypeORM's
 * reads must give the same entity for the same row: the same properties,
 * values and types, and no secret column (`select: false`) in either. Every
 * entity is checked on up to three of its rows, after a tenant with a
 * loyalty program, a team member, an enrolled customer, a stamp, a staff
 * PIN and an API key have been made through the API.
 */
const server = testServer();

/** Entities whose rows the fixture below makes: each must have been compared. */
const MADE = [
  'users',
  'merchants',
  'stores',
  'store_platforms',
  'store_subscriptions',
  'store_users',
  'store_api_keys',
  'customers',
  'platforms',
  'subscription_tiers',
  'features',
  'loyalty_programs',
  'loyalty_cards',
  'loyalty_transactions',
  'staff_pins',
];

async function makeOneOfEach(): Promise<void> {
  const tenant = await createLoyaltyTenant(server);
  await addTeamMember(server, tenant.ownerToken, tenant.storeId);
  const { card } = await enroll(server, tenant);
  const asOwner = { token: tenant.ownerToken };
  await server.ok(
    `mutation($input: AddStampInput!) { addStamp(input: $input) { userErrors { code } } }`,
    { input: { card: { id: card.id }, storeId: tenant.storeId } },
    asOwner,
  );
  await server.ok(
    `mutation($input: CreateStaffPinInput!) { createStaffPin(input: $input) { userErrors { code } } }`,
    { input: { programId: tenant.programId, staffName: 'Anna', pin: '4821' } },
    asOwner,
  );
  // API keys need a tier with api_access: a merchant on the order-management platform's Business tier.
  const oms = await createTenant(server, { platform: 'oms' });
  const asOmsOwner = { token: oms.ownerToken };
  const changed = await server.ok(
    `mutation($input: ChangeSubscriptionTierInput!) { changeSubscriptionTier(input: $input) { userErrors { code } } }`,
    { input: { storeId: oms.storeId, platformCode: 'oms', tierCode: 'business' } },
    asOmsOwner,
  );
  expect(changed.changeSubscriptionTier.userErrors).toEqual([]);
  const key = await server.ok(
    `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { userErrors { code } } }`,
    { input: { storeId: oms.storeId, name: 'till' } },
    asOmsOwner,
  );
  expect(key.createApiKey.userErrors).toEqual([]);
}

describe('lean reads and TypeORM reads', () => {
  it('give the same entity for the same row, secret columns absent from both', async () => {
    await makeOneOfEach();
    const manager = server.dataSource.manager;
    const compared = new Set<string>();
    for (const metadata of server.dataSource.entityMetadatas) {
      if (metadata.tableType !== 'regular' || metadata.primaryColumns.length !== 1) continue;
      const table = metadata.tableName;
      const key = metadata.primaryColumns[0];
      const rows: Array<{ row: Record<string, unknown>; key: unknown }> = await manager.query(
        `SELECT to_json(t) AS row, t."${key.databaseName}" AS key FROM "${table}" t ORDER BY 2 DESC LIMIT 3`,
      );
      const secrets = metadata.columns.filter((c) => c.isSelect === false).map((c) => c.propertyName);
      for (const { row, key: value } of rows) {
        const lean = leanShape(manager, metadata.target).fromJson(row);
        const orm = await manager.findOne(metadata.target, {
          where: { [key.propertyName]: value } as FindOptionsWhere<ObjectLiteral>,
          withDeleted: true,
        });
        expect({ table, entity: lean }).toEqual({ table, entity: orm });
        expect(Object.getPrototypeOf(lean)).toBe(Object.getPrototypeOf(orm));
        for (const secret of secrets) {
          expect({ table, secret, lean: secret in lean, orm: secret in (orm as object) }).toEqual({
            table,
            secret,
            lean: false,
            orm: false,
          });
        }
        compared.add(table);
      }
    }
    expect(MADE.filter((table) => !compared.has(table))).toEqual([]);
  });
});
