import type { AddressInfo } from 'node:net';

import express from 'express';

import { createDataSource } from '../src/db/data-source';
import { healthRoutes } from '../src/http/health';
import { TestServer } from './support/server';

let server: TestServer;
beforeAll(async () => {
  server = await TestServer.start();
});
afterAll(() => server.stop());

describe('HTTP side routes', () => {
  it('answers /healthz and /readyz while the database is up and migrated', async () => {
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('answers /readyz with 503 when the database is unreachable', async () => {
    const unreachable = createDataSource('postgres://postgres@127.0.0.1:1/nothing');
    const app = express().use(healthRoutes(unreachable, { timeoutMs: 500 }));
    const listener = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => listener.once('listening', resolve));
    try {
      const { port } = listener.address() as AddressInfo;
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(503);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    } finally {
      listener.close();
    }
  });

  it('serves GraphiQL from installed assets to a browser on GET /graphql', async () => {
    const response = await fetch(`${server.url}/graphql`, {
      headers: { accept: 'text/html', 'accept-encoding': 'identity' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    const page = await response.text();
    expect(page).toContain('graphiql');
    expect(page).not.toMatch(/<script[^>]+src="https?:\/\//);
    const gzipped = await fetch(`${server.url}/graphql`, {
      headers: { accept: 'text/html', 'accept-encoding': 'gzip' },
    });
    expect(gzipped.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.length).toBeGreaterThan(100_000);
    expect(gzipped.headers.get('content-encoding')).toBe('gzip');
    expect(await gzipped.text()).toBe(page); // fetch inflates it
  });

  it('echoes a sane request id or makes one', async () => {
    const result = await server.gql(`{ platforms { code } }`, {}, { headers: { 'x-request-id': 'trace-123' } });
    expect(result.headers['x-request-id']).toBe('trace-123');
    const generated = await server.gql(`{ platforms { code } }`);
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves the same API under /platforms/{code}/graphql', async () => {
    const data = await server.ok(`{ currentPlatform { code } }`, {}, { path: '/platforms/oms/graphql' });
    expect(data.currentPlatform).toEqual({ code: 'oms' });
    // A path the POST shortcut does not match goes through Express, which matches it as it always did.
    const other = await server.ok(`{ currentPlatform { code } }`, {}, { path: '/Platforms/loyalty/GraphQL' });
    expect(other.currentPlatform).toEqual({ code: 'loyalty' });
    const query = encodeURIComponent('{ currentPlatform { code } }');
    const viaGet = await fetch(`${server.url}/platforms/loyalty/graphql?query=${query}`, {
      headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
    });
    expect((await viaGet.json()).data.currentPlatform).toEqual({ code: 'loyalty' });
  });

  it('answers a GraphQL query sent as GET, as Apollo does (with its CSRF preflight header)', async () => {
    const query = encodeURIComponent('{ platforms { code } }');
    const response = await fetch(`${server.url}/graphql?query=${query}`, {
      headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
    });
    expect(response.status).toBe(200);
    expect((await response.json()).data.platforms).toEqual(expect.arrayContaining([{ code: 'oms' }]));
  });

  it('refuses a malformed, oversized or compressed body with a GraphQL error, and a non-JSON one', async () => {
    const send = async (body: string, headers: Record<string, string> = {}) => {
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
      return { status: response.status, body: await response.json() };
    };
    const malformed = await send('{"query": "{ platforms { code } }"');
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors[0]).toMatchObject({
      message: expect.stringMatching(/not valid JSON/),
      extensions: { code: 'BAD_REQUEST' },
    });
    const large = await send(JSON.stringify({ query: `{ __typename }`, variables: { pad: 'x'.repeat(1024 * 1024) } }));
    expect(large.status).toBe(413);
    expect(large.body.errors[0].extensions.code).toBe('BAD_REQUEST');
    const gzipped = await send('{}', { 'content-encoding': 'gzip' });
    expect(gzipped.status).toBe(415);
    const text = await send('{ platforms { code } }', { 'content-type': 'text/plain' });
    expect(text.status).toBe(400);
    expect(text.body.errors[0].extensions.code).toBe('BAD_REQUEST');
  });
});
