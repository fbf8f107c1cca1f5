import 'reflect-metadata';

import { Agent, createServer, type IncomingHttpHeaders, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import pino, { type Logger } from 'pino';
import type { DataSource } from 'typeorm';

import { createApp } from '../../src/app';
import { type Config, loadConfig } from '../../src/config';
import { createDataSource } from '../../src/db/data-source';
import { testDatabaseUrl } from './database';

export const ADMIN = { email: 'admin@orion.lu', password: 'orion-admin-password' };

export interface GqlResult<T = Record<string, any>> {
  status: number;
  data: T;
  errors?: Array<{ message: string; path?: string[]; extensions: Record<string, any> }>;
  extensions?: Record<string, any>;
  headers: IncomingHttpHeaders;
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/** A plain HTTP POST (fetch would drop a custom Host header). */
function post(
  url: string,
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; headers: IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export interface GqlOptions {
  token?: string;
  host?: string;
  path?: string;
  headers?: Record<string, string>;
}

/** A real server on a random port over the run's migrated database. */
export class TestServer {
  private constructor(
    readonly url: string,
    readonly dataSource: DataSource,
    readonly config: Config,
    private readonly server: Server,
    private readonly stopApp: () => Promise<void>,
  ) {}

  /** `log`: the server's logger (default: silent unless TEST_LOG_LEVEL says otherwise). */
  static async start(env: Record<string, string> = {}, log?: Logger): Promise<TestServer> {
    const config = loadConfig({ NODE_ENV: 'test', ...env });
    log ??= pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
    const dataSource = createDataSource(testDatabaseUrl(), { poolSize: 20, log });
    await dataSource.initialize();
    const { handler, stop } = await createApp({ dataSource, config, log });
    const server = await new Promise<Server>((resolve) => {
      const s = createServer(handler).listen(0, '127.0.0.1', () => resolve(s));
    });
    const { port } = server.address() as AddressInfo;
    return new TestServer(`http://127.0.0.1:${port}`, dataSource, config, server, stop);
  }

  async gql<T = Record<string, any>>(
    query: string,
    variables: Record<string, unknown> = {},
    options: GqlOptions = {},
  ): Promise<GqlResult<T>> {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.host) headers.host = options.host;
    const response = await post(
      `${this.url}${options.path ?? '/graphql'}`,
      headers,
      JSON.stringify({ query, variables }),
    );
    const body = JSON.parse(response.text) as {
      data: T;
      errors?: GqlResult['errors'];
      extensions?: Record<string, any>;
    };
    return {
      status: response.status,
      data: body.data,
      errors: body.errors,
      extensions: body.extensions,
      headers: response.headers,
    };
  }

  /** Like gql, but fails the test on any top-level error. */
  async ok<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}, options: GqlOptions = {}) {
    const result = await this.gql<T>(query, variables, options);
    if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors, null, 2)}`);
    return result.data;
  }

  /** SQL straight on the run's database, as its superuser: no request, no policy (to arrange and to check). */
  sql<T = any>(text: string, params: unknown[] = []): Promise<T[]> {
    return this.dataSource.query(text, params);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    await this.stopApp();
    await this.dataSource.destroy();
  }
}

/**
 * The file's server: started before its tests, stopped after them. The
 * value stands for the running server (its calls reach it once started).
 */
export function testServer(env: Record<string, string> = {}): TestServer {
  let started: TestServer | undefined;
  beforeAll(async () => {
    started = await TestServer.start(env);
  });
  afterAll(async () => {
    await started?.stop();
  });
  return new Proxy({} as TestServer, {
    get(_, key) {
      if (!started) throw new Error('the test server is not started yet: use it inside a test or hook');
      const value = Reflect.get(started, key);
      return typeof value === 'function' ? value.bind(started) : value;
    },
  });
}
