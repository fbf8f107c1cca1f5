import { createSecretKey, type KeyObject } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import type { Config } from '../../config';
import { fromGlobalId, toGlobalId } from '../../common/global-id';

const ISSUER = 'orion-graphql';

/**
 * Per secret: its HMAC key, imported once (jose would import a raw secret
 * again on every call), and the tokens it already verified, until they
 * expire: a signed token cannot change, so its signature is checked once
 * rather than on every request (an HMAC check through WebCrypto cost ~12% of
 * a trivial request's CPU). Bounded; the oldest entries go first. Whether
 * the user still exists and may act is not cached: the viewer is loaded per
 * request.
 */
interface Signer {
  key: KeyObject;
  verified: Map<string, { userId: number; expiresAtMs: number }>;
}
const VERIFIED_MAX = 10_000;
const signers = new Map<string, Signer>();

function signerOf(config: Config): Signer {
  let signer = signers.get(config.jwt.secret);
  if (!signer) {
    signer = { key: createSecretKey(Buffer.from(config.jwt.secret, 'utf8')), verified: new Map() };
    signers.set(config.jwt.secret, signer);
  }
  return signer;
}

/** Signs an HS256 bearer token whose subject is the user's global ID. */
export async function signToken(config: Config, userId: number): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(toGlobalId('User', userId))
    .setIssuer(ISSUER)
    .setIssuedAt()
    .setExpirationTime(config.jwt.expiresIn)
    .sign(signerOf(config).key);
}

/** The user id of a valid token, or null for a bad, expired or foreign one. */
export async function verifyToken(config: Config, token: string): Promise<number | null> {
  const { key, verified } = signerOf(config);
  const hit = verified.get(token);
  if (hit) {
    if (hit.expiresAtMs > Date.now()) return hit.userId;
    verified.delete(token);
  }
  try {
    const { payload } = await jwtVerify(token, key, { issuer: ISSUER, algorithms: ['HS256'] });
    const subject = payload.sub ? fromGlobalId(payload.sub) : null;
    if (subject?.type !== 'User') return null;
    if (payload.exp !== undefined) {
      if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value!);
      verified.set(token, { userId: subject.id, expiresAtMs: payload.exp * 1000 });
    }
    return subject.id;
  } catch {
    return null;
  }
}
