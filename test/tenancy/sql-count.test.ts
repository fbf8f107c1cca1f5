import { TestServer } from '../support/server';
import { adminToken, createStore, createTenant, joinPlatform } from '../factories/tenancy';
import { createLoyaltyTenant, enroll } from '../factories/loyalty';

let server: TestServer;
beforeAll(async () => {
  server = await TestServer.start();
});
afterAll(() => server.stop());

const STORES = `query($first: Int) { stores(first: $first) { edges { node { merchant { name } platforms { platform { code } tier { code features { code } } } } } } }`;

/** A merchant with `count` stores, each on both platforms. */
async function merchantWithStores(count: number) {
  const tenant = await createTenant(server);
  const ids = [tenant.storeId];
  while (ids.length < count) {
    const batch = Math.min(10, count - ids.length);
    const made = await Promise.all(
      Array.from({ length: batch }, () => createStore(server, tenant.ownerToken, tenant.merchantId)),
    );
    ids.push(...made.map((s) => s.id));
  }
  for (const id of ids) {
    await joinPlatform(server, tenant.ownerToken, id, 'oms');
    await joinPlatform(server, tenant.ownerToken, id, 'loyalty');
  }
  return tenant;
}

/**
 * The fewest statements of three runs of `query`, each answer checked: other test files change the
 * catalogue meanwhile, and a request after such a change reloads it (one statement more).
 */
async function fewestStatements(
  query: string,
  variables: Record<string, unknown>,
  token: string,
  check: (data: any) => void,
): Promise<number> {
  const counts: number[] = [];
  for (let i = 0; i < 3; i++) {
    const result = await server.gql(query, variables, { token });
    expect(result.errors).toBeUndefined();
    check(result.data);
    counts.push(Number(result.headers['x-sql-statements']));
  }
  return Math.min(...counts);
}

function statementsFor(token: string, expectedStores: number, first = 100): Promise<number> {
  return fewestStatements(STORES, { first }, token, (data) => {
    expect(data.stores.edges).toHaveLength(expectedStores);
    for (const edge of data.stores.edges) {
      expect(edge.node.platforms.map((p: { platform: { code: string } }) => p.platform.code).sort()).toEqual([
        'loyalty',
        'oms',
      ]);
    }
  });
}

describe('SQL statements per request', () => {
  it('are the same for 5 stores and for 100: loaders batch per depth, not per row', async () => {
    const [small, large] = await Promise.all([merchantWithStores(5), merchantWithStores(100)]);
    const forSmall = await statementsFor(small.ownerToken, 5);
    const forLarge = await statementsFor(large.ownerToken, 100);
    expect(forSmall).toBeGreaterThan(0);
    expect(forLarge).toBe(forSmall);
    expect(await statementsFor(large.ownerToken, 20, 20)).toBe(forLarge);
    // the transaction's opening (the viewer, with the catalogue's version); the page of stores with its
    // merchants and memberships; the COMMIT
    expect(forLarge).toBe(3);

    // Asked for through fragments, the merchants and memberships still come with the page.
    const FRAGMENTS = `query { stores(first: 100) { ...Page } }
      fragment Page on StoreConnection { edges { node { ... on Store { ...Parts } } } }
      fragment Parts on Store { merchant { name } platforms { platform { code } } }`;
    const viaFragments = await fewestStatements(FRAGMENTS, {}, large.ownerToken, (data) => {
      expect(data.stores.edges).toHaveLength(100);
      expect(data.stores.edges.every((e: any) => e.node.merchant.name && e.node.platforms.length === 2)).toBe(true);
    });
    expect(viaFragments).toBe(3);

    // A field with an argument resolved per store (its platform found by code) adds statements per depth only.
    const SUBSCRIPTIONS = `{ stores(first: 100) { edges { node { subscription(platformCode: "oms") { status } } } } }`;
    const subscriptionsOf = (tenant: typeof small, stores: number) =>
      fewestStatements(SUBSCRIPTIONS, {}, tenant.ownerToken, (data) => {
        expect(data.stores.edges).toHaveLength(stores);
        expect(data.stores.edges.every((e: any) => e.node.subscription?.status)).toBe(true);
      });
    expect(await subscriptionsOf(large, 100)).toBe(await subscriptionsOf(small, 5));
  });

  it('keeps the catalogue in memory under its version: a change shows in the next request', async () => {
    const admin = await adminToken(server);
    const { platform } = await server.ok(`{ platform(code: "loyalty") { id description } }`);
    const NODE = `query($id: ID!) { node(id: $id) { ... on Platform { description } } }`;
    const read = () => server.gql(NODE, { id: platform.id }, { token: admin });
    const UPDATE = `mutation($input: UpdatePlatformInput!) { updatePlatform(input: $input) { userErrors { code } } }`;
    // Some read in a row of three is served from memory: the opening (the viewer) and the COMMIT only.
    const fromMemory = await fewestStatements(NODE, { id: platform.id }, admin, (data) =>
      expect(data.node.description).toBe(platform.description),
    );
    expect(fromMemory).toBe(2);

    const description = `Stamp and points cards (${Date.now()})`;
    try {
      await server.ok(UPDATE, { input: { id: platform.id, description } }, { token: admin });
      const fresh = await read();
      // The opening read the new version: the catalogue is reloaded (unless a parallel request did).
      expect(fresh.data.node.description).toBe(description);
    } finally {
      await server.ok(UPDATE, { input: { id: platform.id, description: platform.description } }, { token: admin });
    }
  });

  it('looks a card up with its program and customer in one statement, scope checked by the policies', async () => {
    const tenant = await createLoyaltyTenant(server);
    const { card } = await enroll(server, tenant);
    const result = await server.gql(
      `query($number: String) { loyaltyCard(cardNumber: $number) { cardNumber program { cardName } customer { email } } }`,
      { number: card.cardNumber },
      { token: tenant.ownerToken },
    );
    expect(result.data.loyaltyCard).toMatchObject({
      cardNumber: card.cardNumber,
      customer: { email: expect.any(String) },
    });
    // the opening; the card joined with its program and customer (row-level security keeps other merchants'
    // cards out); the COMMIT
    expect(Number(result.headers['x-sql-statements'])).toBe(3);
  });
});
