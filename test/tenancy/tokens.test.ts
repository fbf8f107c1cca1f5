import { createSecretKey } from 'node:crypto';

import { decodeJwt, SignJWT } from 'jose';

import { createTenant } from '../factories/tenancy';
import { TestServer } from '../support/server';

let server: TestServer;
beforeAll(async () => {
  server = await TestServer.start();
});
afterAll(() => server.stop());

const ME = `{ me { email } }`;
const YEAR = 365 * 24 * 3600;

/** A token signed with the server's own secret, subject and issuer, and only the given time claims. */
function forge(subject: string, claims: { iat?: number; exp?: number }): Promise<string> {
  const jwt = new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(subject).setIssuer('orion-graphql');
  if (claims.iat !== undefined) jwt.setIssuedAt(claims.iat);
  if (claims.exp !== undefined) jwt.setExpirationTime(claims.exp);
  return jwt.sign(createSecretKey(Buffer.from(server.config.jwt.secret, 'utf8')));
}

describe('bearer token lifetimes', () => {
  it('accepts a login token, which lives exactly JWT_EXPIRES_IN (12h here)', async () => {
    const tenant = await createTenant(server);
    const me = await server.gql(ME, {}, { token: tenant.ownerToken });
    expect(me.errors).toBeUndefined();
    expect(me.data.me).toEqual({ email: tenant.ownerEmail });
    const { iat, exp } = decodeJwt(tenant.ownerToken);
    expect(exp! - iat!).toBe(12 * 3600);
  });

  it('refuses, as UNAUTHENTICATED, a validly signed token without exp, without iat, living 10 years, or issued in the future', async () => {
    const tenant = await createTenant(server);
    const subject = decodeJwt(tenant.ownerToken).sub!;
    const now = Math.floor(Date.now() / 1000);
    const control = await forge(subject, { iat: now, exp: now + 3600 });
    expect((await server.gql(ME, {}, { token: control })).data.me).toEqual({ email: tenant.ownerEmail });

    const forged = {
      'no exp': await forge(subject, { iat: now }),
      'no iat': await forge(subject, { exp: now + 3600 }),
      'exp 10 years after iat': await forge(subject, { iat: now, exp: now + 10 * YEAR }),
      'iat 10 years ahead, exp 1 hour later': await forge(subject, {
        iat: now + 10 * YEAR,
        exp: now + 10 * YEAR + 3600,
      }),
    };
    const answers = [];
    for (const [what, token] of Object.entries(forged)) {
      const result = await server.gql(ME, {}, { token });
      answers.push({ what, status: result.status, code: result.errors?.[0].extensions.code, me: result.data?.me });
    }
    expect(answers).toEqual(
      Object.keys(forged).map((what) => ({ what, status: 401, code: 'UNAUTHENTICATED', me: undefined })),
    );
  });
});
