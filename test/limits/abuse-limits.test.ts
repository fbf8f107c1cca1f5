import { request } from 'node:http';

import { getIntrospectionQuery } from 'graphql';

import { createTenant } from '../factories/tenancy';
import { TestServer } from '../support/server';

let server: TestServer;
let production: TestServer;
beforeAll(async () => {
  server = await TestServer.start();
  production = await TestServer.start({
    NODE_ENV: 'production',
    JWT_SECRET: 'a-production-secret-of-at-least-32-characters',
    STAFF_PIN_SECRET: 'a-production-pin-secret-of-at-least-32-chars',
  });
});
afterAll(async () => {
  await server.stop();
  await production.stop();
});

/** A raw POST: the body as given, whatever its content type. */
function raw(url: string, body: string | Buffer, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('abuse limits', () => {
  it('refuses a batch of operations (batching is off) with a client error', async () => {
    const answer = await raw(
      `${server.url}/graphql`,
      JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]),
    );
    expect(answer.status).toBe(400);
    expect(answer.text).toMatch(/batching/i);
  });

  it('refuses string and list arguments past their size limits as BAD_USER_INPUT', async () => {
    const long = await server.gql(`query($n: String!) { loyaltyCard(cardNumber: $n) { id } }`, {
      n: 'x'.repeat(100_001),
    });
    expect(long.status).toBe(400);
    expect(long.errors?.[0]).toMatchObject({
      message: 'A string argument is longer than 100000 characters',
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const many = await server.gql(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, {
      ids: Array.from({ length: 1_001 }, (_, i) => `id${i}`),
    });
    expect(many.status).toBe(400);
    expect(many.errors?.[0].message).toBe('A list argument has more than 1000 elements');
  });

  it('in production, answers introspection to authenticated callers only', async () => {
    const query = getIntrospectionQuery();
    const anonymous = await production.gql(query);
    expect(anonymous.status).toBe(401);
    expect(anonymous.errors?.map((e) => e.extensions.code)).toEqual(['UNAUTHENTICATED']);
    expect(anonymous.data).toBeUndefined();
    const typeQuery = await production.gql(`{ __type(name: "Store") { fields { name } } }`);
    expect(typeQuery.status).toBe(401);
    // __typename alone reveals nothing.
    expect((await production.gql(`{ __typename }`)).data).toEqual({ __typename: 'Query' });

    const tenant = await createTenant(production);
    const signedIn = await production.gql(query, {}, { token: tenant.ownerToken });
    expect(signedIn.status).toBe(200);
    expect(signedIn.data.__schema.queryType.name).toBe('Query');
  });

  it('in production, gives anonymous callers no field suggestions; signed-in callers keep them', async () => {
    const anonymous = await production.gql(`{ platfroms { code } }`);
    expect(anonymous.status).toBe(400);
    expect(anonymous.errors?.[0].message).toBe('Cannot query field "platfroms" on type "Query".');
    const tenant = await createTenant(production);
    const signedIn = await production.gql(`{ platfroms { code } }`, {}, { token: tenant.ownerToken });
    expect(signedIn.errors?.[0].message).toBe(
      'Cannot query field "platfroms" on type "Query". Did you mean "platforms" or "platform"?',
    );
    // Outside production, everyone gets them.
    const development = await server.gql(`{ platfroms { code } }`);
    expect(development.errors?.[0].message).toMatch(/Did you mean "platforms" or "platform"\?$/);
  });
});

describe('a fuzz run of hostile requests', () => {
  const deep = (n: number) => `{${' stores { edges { node { merchant {'.repeat(n)} id${' } } } }'.repeat(n)} }`;
  const hostile: Array<[string, () => Promise<{ status: number; text: string }>]> = [
    ['an empty body', () => raw(`${production.url}/graphql`, '')],
    ['JSON that is not an object', () => raw(`${production.url}/graphql`, '42')],
    ['truncated JSON', () => raw(`${production.url}/graphql`, '{"query": "{ __typ')],
    ['a query that is not a string', () => raw(`${production.url}/graphql`, '{"query": {"a": 1}}')],
    [
      'variables that are not an object',
      () => raw(`${production.url}/graphql`, '{"query": "{ __typename }", "variables": [1]}'),
    ],
    [
      'an unknown operation name',
      () => raw(`${production.url}/graphql`, '{"query": "query A { __typename }", "operationName": "B"}'),
    ],
    ['a syntax error', () => raw(`${production.url}/graphql`, JSON.stringify({ query: '{ stores { ' }))],
    ['a body over 1 MB', () => raw(`${production.url}/graphql`, Buffer.alloc(1_100_000, 0x20))],
    ['a deep query', () => raw(`${production.url}/graphql`, JSON.stringify({ query: deep(20) }))],
    [
      'a query nested 3,000 levels',
      () => raw(`${production.url}/graphql`, JSON.stringify({ query: `{${'a{'.repeat(3000)}b${'}'.repeat(3000)}}` })),
    ],
    [
      '30,000 aliases',
      () =>
        raw(
          `${production.url}/graphql`,
          JSON.stringify({ query: `{ ${Array.from({ length: 30_000 }, (_, i) => `a${i}: __typename`).join(' ')} }` }),
        ),
    ],
    [
      'a batch of 500',
      () =>
        raw(
          `${production.url}/graphql`,
          JSON.stringify(Array.from({ length: 500 }, () => ({ query: '{ __typename }' }))),
        ),
    ],
    [
      'a variable of the wrong type',
      () =>
        raw(
          `${production.url}/graphql`,
          JSON.stringify({ query: 'query($n: Int!) { stores(first: $n) { totalCount } }', variables: { n: 'x' } }),
        ),
    ],
    [
      'first over 100',
      () =>
        raw(
          `${production.url}/graphql`,
          JSON.stringify({ query: '{ platforms { code } merchants(first: 100000) { totalCount } }' }),
        ),
    ],
    [
      'a malformed global ID',
      () => raw(`${production.url}/graphql`, JSON.stringify({ query: '{ node(id: "%%%\\u0001") { id } }' })),
    ],
    [
      'a NUL in a variable',
      () =>
        raw(
          `${production.url}/graphql`,
          JSON.stringify({
            query: 'query($e: String!) { loyaltyCard(cardNumber: $e) { id } }',
            variables: { e: '\u0000' },
          }),
        ),
    ],
    [
      'a bogus bearer token',
      () =>
        raw(`${production.url}/graphql`, JSON.stringify({ query: '{ me { id } }' }), { authorization: 'Bearer x.y.z' }),
    ],
    [
      'a non-JSON content type',
      () => raw(`${production.url}/graphql`, '{ __typename }', { 'content-type': 'text/plain' }),
    ],
    ['gzip it cannot read', () => raw(`${production.url}/graphql`, 'not gzip', { 'content-encoding': 'gzip' })],
    [
      'a mutation over GET',
      () =>
        fetch(`${production.url}/graphql?query=${encodeURIComponent('mutation { __typename }')}`, {
          headers: { 'apollo-require-preflight': '1' },
        }).then(async (r) => ({ status: r.status, text: await r.text() })),
    ],
  ];

  it.each(hostile)('answers %s with a clear error below 500 and no internals', async (_, send) => {
    const answer = await send();
    expect(answer.status).toBeGreaterThanOrEqual(200);
    expect(answer.status).toBeLessThan(500);
    expect(answer.text).not.toMatch(
      /INTERNAL_SERVER_ERROR|stacktrace|\bat .+\.(ts|js):\d+|SELECT |QueryFailedError|node_modules/,
    );
    if (answer.status >= 400) expect(answer.text.length).toBeGreaterThan(0);
  });

  it('is still serving afterwards', async () => {
    expect((await production.gql(`{ __typename }`)).data).toEqual({ __typename: 'Query' });
  });
});
