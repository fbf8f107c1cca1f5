import { adminToken, createStore, createTenant, joinPlatform } from '../factories/tenancy';
import { TestServer } from '../support/server';

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

/*
 * Exact statement counts (a page, the catalogue read from memory, pages asked through fragments, a per-store
 * field with an argument, the card lookup, an API key) are checked by the bench (bench/run/report.ts and
 * bench/run/statements.ts, listed in bench/RESULTS.md); this file keeps the functional one: a page's count
 * does not grow with its size.
 */
describe('SQL statements per request', () => {
  it('are the same for 5 stores and for 100: loaders batch per depth, not per row', async () => {
    const [small, large] = await Promise.all([merchantWithStores(5), merchantWithStores(100)]);
    const forSmall = await statementsFor(small.ownerToken, 5);
    const forLarge = await statementsFor(large.ownerToken, 100);
    expect(forSmall).toBeGreaterThan(0);
    expect(forLarge).toBe(forSmall);
    expect(await statementsFor(large.ownerToken, 20, 20)).toBe(forLarge);
  });
});

describe('the catalogue', () => {
  it('shows a change in the next request (it is kept in memory under its version)', async () => {
    const admin = await adminToken(server);
    const { platform } = await server.ok(`{ platform(code: "loyalty") { id description } }`);
    const NODE = `query($id: ID!) { node(id: $id) { ... on Platform { description } } }`;
    const read = () => server.gql(NODE, { id: platform.id }, { token: admin });
    const UPDATE = `mutation($input: UpdatePlatformInput!) { updatePlatform(input: $input) { userErrors { code } } }`;
    expect((await read()).data.node.description).toBe(platform.description);

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
});
