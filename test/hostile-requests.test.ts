import { request } from 'node:http';
import { Writable } from 'node:stream';

import { buildClientSchema, getIntrospectionQuery, type IntrospectionQuery } from 'graphql';
import pino from 'pino';

import { TestServer } from './support/server';

/** Every line the server logs, parsed: the request log is on, as in production. */
const logLines: Array<Record<string, any>> = [];
const logStream = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString('utf8').split('\n')) if (line) logLines.push(JSON.parse(line));
    done();
  },
});

let server: TestServer;
beforeAll(async () => {
  server = await TestServer.start({}, pino({ level: 'info' }, logStream));
});
afterAll(() => server.stop());

/** POSTs `body` with chunked transfer encoding (no Content-Length); resolves with the status and text. */
function postChunked(url: string, body: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      // A connection of its own (no keep-alive agent), as curl sends it: the server closes it after its 413.
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    // The server may answer 413 and close before the whole body is sent: that is the point.
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' ? undefined : reject(error)));
    for (let offset = 0; offset < body.length; offset += 64 * 1024)
      req.write(body.subarray(offset, offset + 64 * 1024));
    req.end();
  });
}

describe('hostile requests', () => {
  it('answers a chunked body over 1 MB with 413 and keeps serving', async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      const answer = await postChunked(`${server.url}/graphql`, Buffer.alloc(1_200_000, 'A'));
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.text).errors[0].extensions.code).toBe('BAD_REQUEST');
      // The request's log line is written when its connection closes: give it that moment.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(uncaught).toEqual([]);
      const line = logLines.find((l) => l.res?.statusCode === 413);
      expect(line).toMatchObject({ level: 40, reqId: expect.any(String), req: { method: 'POST', path: '/graphql' } });
      expect(logLines.filter((l) => l.level >= 50)).toEqual([]);
      const next = await server.gql(`{ platforms { code } }`);
      expect(next.status).toBe(200);
      expect(next.data.platforms.map((p: { code: string }) => p.code)).toEqual(expect.arrayContaining(['oms']));
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });

  it('refuses fragment fan-outs of 2^30 fields at once, at the root or inside a field, before compiling them', async () => {
    const levels = 30;
    const fanOut = (operation: string, type: string, leaf: string) =>
      [
        operation,
        ...Array.from({ length: levels }, (_, i) => `fragment F${i} on ${type} { ${leaf} ...F${i + 1} ...F${i + 1} }`),
        `fragment F${levels} on ${type} { ${leaf} }`,
      ].join(' ');
    // At the root, validation judges it linearly. Inside a field, graphql-jit expanded it while compiling: 26
    // levels (1.3 KB) froze the process for 21 s before this limit.
    for (const query of [
      fanOut('{ ...F0 }', 'Query', '__typename'),
      fanOut('{ platforms { ...F0 } }', 'Platform', 'code'),
    ]) {
      const result = await server.gql(query);
      expect(result.status).toBe(400);
      expect(result.errors?.map((e) => e.extensions.code)).toEqual(['QUERY_TOO_COMPLEX']);
      expect(result.errors?.[0].message).toMatch(/fields once its fragments are expanded; the limit is 20000$/);
    }
    const next = await server.gql(`{ platforms { code } }`);
    expect(next.status).toBe(200);
  }, 5_000);

  it('refuses a NUL character or a lone surrogate in a string argument as BAD_USER_INPUT before any SQL', async () => {
    const literal = await server.gql(`{ loyaltyCard(cardNumber: "a\\u0000") { id } }`);
    const variable = await server.gql(`query($n: String!) { loyaltyCard(cardNumber: $n) { id } }`, { n: 'a\u0000' });
    const nested = await server.gql(`mutation($input: LoginInput!) { login(input: $input) { token } }`, {
      input: { email: 'x@example.com', password: 'ab\ud800' },
    });
    for (const result of [literal, variable, nested]) {
      expect(result.status).toBe(400);
      expect(result.errors?.map((e) => e.extensions.code)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors?.[0].message).toMatch(/NUL character or invalid Unicode/);
      expect(result.data).toBeUndefined();
      expect(result.headers['x-sql-statements']).toBe('0');
    }
  });

  it('refuses a document nested thousands of levels deep before parsing it', async () => {
    const levels = 5_000;
    const result = await server.gql(`{${' me {'.repeat(levels)} id${' }'.repeat(levels)} }`);
    expect(result.status).toBe(400);
    expect(result.errors?.map((e) => e.extensions.code)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(result.errors?.[0].message).toBe('The query nests deeper than 256 levels');
  });

  it('stops parsing past the token limit with a clear error', async () => {
    const aliases = Array.from({ length: 2_000 }, (_, i) => `a${i}: __typename`).join(' ');
    const result = await server.gql(`{ ${aliases} }`);
    expect(result.status).toBe(400);
    expect(result.errors?.map((e) => e.extensions.code)).toEqual(['GRAPHQL_PARSE_FAILED']);
    expect(result.errors?.[0].message).toBe('Syntax Error: Document contains more that 5000 tokens. Parsing aborted.');
  });

  it('refuses a deep document under the nesting limit by its depth', async () => {
    const cycles = 100;
    const query = `{ merchant(id: "x") {${' stores { merchant {'.repeat(cycles)} id${' } }'.repeat(cycles)} } }`;
    const result = await server.gql(query);
    expect(result.status).toBe(400);
    expect(result.errors?.map((e) => e.extensions.code)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(result.errors?.[0].message).toBe('Query depth 202 exceeds the limit of 12');
  });

  it('answers a persisted query whose hash does not match with a client error', async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: '{ __typename }',
        extensions: { persistedQuery: { version: 1, sha256Hash: '0'.repeat(64) } },
      }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      errors: [{ message: 'provided sha does not match query', extensions: { code: 'BAD_REQUEST' } }],
      extensions: { cost: { requestedQueryCost: 0, actualQueryCost: 0, throttleStatus: null } },
    });
  });
});

describe('introspection on the default settings', () => {
  it('serves the full standard introspection query, deeper than the depth limit', async () => {
    expect(server.config.maxQueryDepth).toBe(12);
    const query = getIntrospectionQuery({
      descriptions: true,
      directiveIsRepeatable: true,
      schemaDescription: true,
      inputValueDeprecation: true,
      specifiedByUrl: true,
    });
    const result = await server.gql<IntrospectionQuery>(query);
    expect(result.status).toBe(200);
    expect(result.errors).toBeUndefined();
    const schema = buildClientSchema(result.data);
    expect(schema.getQueryType()?.getFields().stores).toBeDefined();
    expect(schema.getMutationType()?.getFields().login).toBeDefined();
    expect(schema.getType('UserErrorCode')).toBeDefined();
  });

  it('still refuses a deep query that is not introspection', async () => {
    const cycles = 7; // 14 levels under merchant
    const query = `{ merchant(id: "x") {${' stores { merchant {'.repeat(cycles)} id${' } }'.repeat(cycles)} } }`;
    const result = await server.gql(query);
    expect(result.status).toBe(400);
    expect(result.errors?.map((e) => e.extensions.code)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(result.data).toBeUndefined();
  });
});
