/**
 * Statement probes: request shapes the load scenarios do not ask, each asked
 * of our server once before the runs, its `x-sql-statements` (BEGIN/COMMIT
 * included) held to a limit or to the same shape at another size. These were
 * exact counts in the functional suite; here they join the targets' checks
 * (report.ts), where a FAIL fails the bench. The load scenarios' own counts
 * are checked from their runs (report.ts).
 */
import { withDb } from './database';
import { settings } from './settings';
import type { Json } from './util';
import { errorMessage, globalId } from './util';
import { gql } from './workloads';

/** Every seeded owner's password: BENCH_PASSWORD of bench/seed.ts (not imported: that module loads the app). */
const OWNER_PASSWORD = 'bench-password';

/** The probes' check lines ("PASS …" / "FAIL …"), filled by `probeStatements`, listed with the targets. */
export const probeChecks: string[] = [];

interface Answer {
  statements: number;
  body: Json;
}

/** One GraphQL request to our server; throws on an HTTP or GraphQL error. NaN statements when not counted. */
async function ask(
  port: number,
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<Answer> {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${token}` },
    body: gql(query, variables),
  });
  const text = await res.text();
  const raw = res.headers.get('x-sql-statements');
  if (res.status !== 200 || text.includes('"errors"')) throw new Error(`HTTP ${res.status}: ${text.slice(0, 300)}`);
  return { statements: raw === null ? NaN : Number(raw), body: JSON.parse(text) };
}

const mark = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
const atMost = (what: string, n: number, limit: number) =>
  `${mark(n <= limit)} ${what}: SQL statements per request ${n} (≤ ${limit})`;
const same = (what: string, small: number, large: number) =>
  `${mark(small > 0 && small === large)} ${what} (${small} and ${large})`;

/** A merchant whose owner can make an API key (a store on Business) and whose program has 30 live cards or more. */
async function fixture() {
  const rows = await withDb(settings().databaseUrl, async (db) => {
    const { rows } = await db.query<{ email: string; store_id: number; program_id: number }>(
      `SELECT u.email, s.id AS store_id, p.id AS program_id
         FROM merchants m
         JOIN users u ON u.id = m.owner_user_id AND u.deleted_at IS NULL AND u.is_active
         CROSS JOIN LATERAL (
           SELECT s.id FROM stores s
             JOIN store_platforms sp ON sp.store_id = s.id AND sp.is_primary AND sp.is_active AND sp.deleted_at IS NULL
             JOIN subscription_tiers t ON t.id = sp.tier_id AND t.code = 'business'
             JOIN store_subscriptions sub ON sub.store_platform_id = sp.id AND sub.status IN ('TRIAL', 'ACTIVE')
            WHERE s.merchant_id = m.id AND s.deleted_at IS NULL AND s.is_active
            ORDER BY s.id LIMIT 1) s
         CROSS JOIN LATERAL (
           SELECT p.id FROM loyalty_programs p
            WHERE p.merchant_id = m.id AND p.deleted_at IS NULL
              AND (SELECT count(*) FROM loyalty_cards c WHERE c.program_id = p.id AND c.deleted_at IS NULL) >= 30
            ORDER BY p.id LIMIT 1) p
        WHERE m.deleted_at IS NULL AND m.is_active
        ORDER BY m.id LIMIT 1`,
    );
    return rows;
  });
  if (!rows.length)
    throw new Error('no merchant with a Business store and a program of 30 cards: is the database seeded?');
  return {
    email: rows[0].email,
    storeId: globalId('Store', rows[0].store_id),
    programId: globalId('LoyaltyProgram', rows[0].program_id),
  };
}

const FRAGMENTS = `query BenchFragments { stores(first: 100) { ...Page } }
  fragment Page on StoreConnection { edges { node { ... on Store { ...Parts } } } }
  fragment Parts on Store { merchant { name } platforms { platform { code } } }`;

const SUBSCRIPTIONS = `query BenchSubscriptions($first: Int!) {
  stores(first: $first) { edges { node { subscription(platformCode: "oms") { status } } } }
}`;

const PROGRAM_CARDS = `query BenchProgramCards($id: ID!, $first: Int!) { loyaltyProgram(id: $id) {
  stats { members } merchant { name }
  cards(first: $first) { totalCount edges { node { id stampsUntilReward program { id } merchant { id }
    customer { email loyaltyCards { id } } enrolledAtStore { name }
    transactions(first: 5) { totalCount edges { node { type store { id } } } } } } } } }`;

const STORE_NAME = `query BenchStoreName($id: ID!) { store(id: $id) { name } }`;

/**
 * Asks each probe of our server (as the bench's ADMIN, `token`, or as a
 * seeded owner and an API key of its store) and fills `probeChecks`. A probe
 * that cannot be asked is a FAIL line, not an abort.
 */
export async function probeStatements(port: number, token: string): Promise<string[]> {
  const probe = async (what: string, fn: () => Promise<string[]>) => {
    try {
      probeChecks.push(...(await fn()));
    } catch (err) {
      probeChecks.push(`FAIL ${what}: ${errorMessage(err)}`);
    }
  };

  // The catalogue's first read after the server's start loads it (a statement more): done first, not counted.
  await probe('the catalogue', async () => {
    const platform = (await ask(port, token, `{ platform(code: "loyalty") { id } }`)).body.data.platform.id;
    const read = await ask(port, token, `query($id: ID!) { node(id: $id) { ... on Platform { description } } }`, {
      id: platform,
    });
    // the opening (the viewer, with the catalogue's version) and the COMMIT: the platform comes from memory
    return [atMost('a catalogue read (node of a Platform) served from memory', read.statements, 2)];
  });

  await probe('stores(first: 100) through fragments', async () => {
    const page = await ask(port, token, FRAGMENTS);
    if (!page.body.data.stores.edges.length) throw new Error('no store answered');
    // the opening; the page with its merchants and memberships; the COMMIT
    return [atMost('stores(first: 100) through fragments', page.statements, 3)];
  });

  await probe('subscription(platformCode:) per store', async () => {
    const small = await ask(port, token, SUBSCRIPTIONS, { first: 5 });
    const large = await ask(port, token, SUBSCRIPTIONS, { first: 100 });
    if (large.body.data.stores.edges.length <= small.body.data.stores.edges.length) {
      throw new Error('no more stores on the page of 100 than on the page of 5');
    }
    return [
      same(
        'subscription(platformCode:) per store: the same statements for 100 stores as for 5',
        small.statements,
        large.statements,
      ),
    ];
  });

  // A seeded owner (its password is the seed's), its program with 30 cards or more, a store on Business.
  let owner: Promise<{ token: string; storeId: string; programId: string }> | null = null;
  const asOwner = () =>
    (owner ??= (async () => {
      const fx = await fixture();
      const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: gql(
          `mutation BenchOwnerLogin($email: EmailAddress!, $password: String!) {
             login(input: { email: $email, password: $password }) { token }
           }`,
          { email: fx.email, password: OWNER_PASSWORD },
        ),
      });
      const token: string | undefined = ((await res.json()) as Json)?.data?.login?.token;
      if (!token) throw new Error(`login as ${fx.email} failed`);
      return { token, storeId: fx.storeId, programId: fx.programId };
    })());

  await probe("a program's cards", async () => {
    const { token: ownerToken, programId } = await asOwner();
    const cards = async (first: number) => {
      const answer = await ask(port, ownerToken, PROGRAM_CARDS, { id: programId, first });
      const got = answer.body.data.loyaltyProgram?.cards.edges.length;
      if (got !== first) throw new Error(`${got} cards answered for first: ${first}`);
      return answer.statements;
    };
    const three = await cards(3);
    const thirty = await cards(30);
    return [same("a program's cards with their fields: the same statements for 30 cards as for 3", three, thirty)];
  });

  await probe('an API key', async () => {
    const { token: ownerToken, storeId } = await asOwner();
    const created = await ask(
      port,
      ownerToken,
      `mutation BenchCreateKey($input: CreateApiKeyInput!) {
         createApiKey(input: $input) { apiKey { id } secret userErrors { code message } }
       }`,
      { input: { storeId, name: 'bench statement probe' } },
    );
    const { apiKey, secret, userErrors } = created.body.data.createApiKey;
    if (!secret) throw new Error(`createApiKey: ${JSON.stringify(userErrors)}`);
    try {
      // the opening that finds the key, then the COMMIT
      const typename = await ask(port, secret, '{ __typename }');
      const byKey = await ask(port, secret, STORE_NAME, { id: storeId });
      const byOwner = await ask(port, ownerToken, STORE_NAME, { id: storeId });
      const sameAnswer = JSON.stringify(byKey.body.data) === JSON.stringify(byOwner.body.data);
      return [
        atMost('an API key authenticating ({ __typename })', typename.statements, 2),
        `${mark(sameAnswer && byKey.statements > 0 && byKey.statements === byOwner.statements)} an API key reading ` +
          `its store: the same answer and statements as its owner (${byKey.statements} and ${byOwner.statements}` +
          `${sameAnswer ? '' : '; the answers differ'})`,
      ];
    } finally {
      // Revoked at once: the seeded store keeps no working key (an aborted bench may leave one).
      await ask(
        port,
        ownerToken,
        `mutation BenchRevokeKey($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { userErrors { code } } }`,
        { input: { id: apiKey.id } },
      );
    }
  });

  return probeChecks;
}
