import { randomBytes } from 'node:crypto';
import { request } from 'node:http';

import { createTenant, unique } from '../factories/tenancy';
import { TestServer } from '../support/server';

// API.md: 10 failed sign-ins for one email in 15 minutes lock it for 15 minutes, the right
// password included (TOO_MANY_ATTEMPTS); README: 50 failures from one client address lock the address.
// Each test signs in from its own loopback address (127.x.y.z all reach 127.0.0.1 on Linux), so
// tests, servers and reruns sharing one Redis never add up each other's failures.

const LOGIN = `mutation($input: LoginInput!) {
  login(input: $input) { token user { email } userErrors { code message field } }
}`;

interface LoginAnswer {
  status: number;
  errors?: unknown;
  login: {
    token: string | null;
    user: { email: string } | null;
    userErrors: Array<{ code: string; message: string; field: string[] | null }>;
  };
}

/** A loopback address of its own: the per-address limit keys on the connection's peer. */
const clientAddress = (): string => {
  const [a, b, c] = randomBytes(3);
  return `127.${(a % 250) + 1}.${b}.${(c % 250) + 1}`;
};

/** The login mutation over HTTP, from `from` (the connection's local address). */
function login(server: TestServer, from: string, email: string, password: string): Promise<LoginAnswer> {
  const body = JSON.stringify({ query: LOGIN, variables: { input: { email, password } } });
  return new Promise((resolve, reject) => {
    const req = request(
      `${server.url}/graphql`,
      {
        method: 'POST',
        localAddress: from,
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          resolve({ status: res.statusCode ?? 0, errors: parsed.errors, login: parsed.data?.login });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const codeOf = (answer: LoginAnswer) => answer.login.userErrors[0]?.code ?? (answer.login.token ? 'SIGNED_IN' : '?');
const count = (codes: string[]) =>
  codes.reduce<Record<string, number>>((counts, code) => ({ ...counts, [code]: (counts[code] ?? 0) + 1 }), {});

let server: TestServer;
beforeAll(async () => {
  server = await TestServer.start();
});
afterAll(() => server.stop());

describe('login lockout per email', () => {
  it('refuses the right password after 10 wrong ones, with TOO_MANY_ATTEMPTS saying when to try again', async () => {
    const { ownerEmail } = await createTenant(server);
    const from = clientAddress();
    for (let i = 0; i < 10; i++) {
      expect(codeOf(await login(server, from, ownerEmail, 'wrong-password'))).toBe('INVALID_CREDENTIALS');
    }
    // From another address too, and in another case: the lock is the email's.
    for (const [address, email] of [
      [from, ownerEmail],
      [clientAddress(), ownerEmail.toUpperCase()],
    ]) {
      const right = await login(server, address, email, 'owner-password');
      expect(right.status).toBe(200);
      expect(right.errors).toBeUndefined();
      expect(right.login).toEqual({
        token: null,
        user: null,
        userErrors: [
          {
            code: 'TOO_MANY_ATTEMPTS',
            message: 'Too many failed sign-ins for this email: try again in 15 minutes',
            field: ['email'],
          },
        ],
      });
    }
  });

  it('checks no more than 10 of 30 concurrent wrong passwords', async () => {
    const { ownerEmail } = await createTenant(server);
    const answers = await Promise.all(
      Array.from({ length: 30 }, () => login(server, clientAddress(), ownerEmail, 'wrong-password')),
    );
    expect(count(answers.map(codeOf))).toEqual({ INVALID_CREDENTIALS: 10, TOO_MANY_ATTEMPTS: 20 });
    expect(codeOf(await login(server, clientAddress(), ownerEmail, 'owner-password'))).toBe('TOO_MANY_ATTEMPTS');
  });

  it('starts counting afresh after a successful sign-in', async () => {
    const { ownerEmail } = await createTenant(server);
    const from = clientAddress();
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 9; i++) {
        expect(codeOf(await login(server, from, ownerEmail, 'wrong-password'))).toBe('INVALID_CREDENTIALS');
      }
      const right = await login(server, from, ownerEmail, 'owner-password');
      expect(right.login).toMatchObject({ token: expect.any(String), user: { email: ownerEmail }, userErrors: [] });
    }
  });
});

describe('login lockout per client address', () => {
  it('refuses an address after 50 failed sign-ins over different emails, whatever the email next', async () => {
    const { ownerEmail } = await createTenant(server);
    const from = clientAddress();
    const codes: string[] = [];
    for (let i = 0; i < 50; i++) {
      codes.push(codeOf(await login(server, from, `${unique('spray-')}@example.lu`, 'password1')));
    }
    expect(count(codes)).toEqual({ INVALID_CREDENTIALS: 50 });

    const right = await login(server, from, ownerEmail, 'owner-password');
    expect(right.status).toBe(200);
    expect(right.login).toEqual({
      token: null,
      user: null,
      userErrors: [
        {
          code: 'TOO_MANY_ATTEMPTS',
          message: 'Too many failed sign-ins from your network: try again in 15 minutes',
          field: null,
        },
      ],
    });
    // The owner's email was not locked by the spray: another address signs in.
    expect(codeOf(await login(server, clientAddress(), ownerEmail, 'owner-password'))).toBe('SIGNED_IN');
  });
});

describe('login lockout across replicas sharing Redis', () => {
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    [a, b] = await Promise.all([
      TestServer.start({ REDIS_URL: 'redis://127.0.0.1:6379' }),
      TestServer.start({ REDIS_URL: 'redis://127.0.0.1:6379' }),
    ]);
  });
  afterAll(() => Promise.all([a?.stop(), b?.stop()]));

  it('locks an email after 5 failures on one server and 5 on the other', async () => {
    const { ownerEmail } = await createTenant(a);
    const from = clientAddress();
    for (const replica of [a, b]) {
      for (let i = 0; i < 5; i++) {
        expect(codeOf(await login(replica, from, ownerEmail, 'wrong-password'))).toBe('INVALID_CREDENTIALS');
      }
    }
    expect(codeOf(await login(a, from, ownerEmail, 'owner-password'))).toBe('TOO_MANY_ATTEMPTS');
    expect(codeOf(await login(b, clientAddress(), ownerEmail, 'owner-password'))).toBe('TOO_MANY_ATTEMPTS');
  });

  it('checks no more than 10 of 30 concurrent wrong passwords sent to both servers', async () => {
    const { ownerEmail } = await createTenant(a);
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => login(i % 2 ? a : b, clientAddress(), ownerEmail, 'wrong-password')),
    );
    expect(count(answers.map(codeOf))).toEqual({ INVALID_CREDENTIALS: 10, TOO_MANY_ATTEMPTS: 20 });
  });

  it('locks an address over both servers', async () => {
    const from = clientAddress();
    const codes: string[] = [];
    for (let i = 0; i < 50; i++) {
      codes.push(codeOf(await login(i % 2 ? a : b, from, `${unique('spray-')}@example.lu`, 'password1')));
    }
    expect(count(codes)).toEqual({ INVALID_CREDENTIALS: 50 });
    expect(codeOf(await login(a, from, `${unique('spray-')}@example.lu`, 'password1'))).toBe('TOO_MANY_ATTEMPTS');
    expect(codeOf(await login(b, from, `${unique('spray-')}@example.lu`, 'password1'))).toBe('TOO_MANY_ATTEMPTS');
  });
});
