import { createSecretKey, type KeyObject } from 'node:crypto';

import { decodeJwt, jwtVerify, SignJWT, UnsecuredJWT } from 'jose';

import { fromGlobalId, toGlobalId } from '../../common/global-id';
import type { Config } from '../../config';

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
/** Clocks of replicas may differ by this much: a token is not refused as issued in the future within it. */
const CLOCK_SKEW_SECONDS = 5;
const signers = new Map<string, Signer>();

function signerOf(config: Config): Signer {
  let signer = signers.get(config.jwt.secret);
  if (!signer) {
    signer = { key: createSecretKey(Buffer.from(config.jwt.secret, 'utf8')), verified: new Map() };
    signers.set(config.jwt.secret, signer);
  }
  return signer;
}

const lifetimes = new Map<string, number>();

/**
 * Seconds in a time span such as '12h' (`JWT_EXPIRES_IN`), read by jose's own
 * parser, the one `setExpirationTime` and `maxTokenAge` use, so that signing
 * and verifying agree on it. jose only applies it from "now": the probe is
 * taken again if the clock turned a second while it was made.
 */
function lifetimeOf(config: Config): number {
  const span = config.jwt.expiresIn;
  let seconds = lifetimes.get(span);
  while (seconds === undefined) {
    const before = nowSeconds();
    const { exp } = decodeJwt(new UnsecuredJWT({}).setExpirationTime(span).encode());
    if (nowSeconds() === before && exp !== undefined) seconds = exp - before;
  }
  lifetimes.set(span, seconds);
  return seconds;
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** Signs an HS256 bearer token whose subject is the user's global ID, valid for `config.jwt.expiresIn`. */
export async function signToken(config: Config, userId: number): Promise<string> {
  const now = nowSeconds();
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(toGlobalId('User', userId))
    .setIssuer(ISSUER)
    .setIssuedAt(now)
    .setExpirationTime(now + lifetimeOf(config))
    .sign(signerOf(config).key);
}

/**
 * The user id of a valid token, or null for a bad, expired or foreign one.
 * A token must say when it was issued and when it expires, and live no longer
 * than `config.jwt.expiresIn`: a token with no `exp`, or one signed (with a
 * leaked secret, or by a bug) to last for years, would otherwise never stop
 * working. `iat` may not lie in the future either (beyond a few seconds of
 * clock skew between replicas), or `exp - iat` would bound nothing.
 */
export async function verifyToken(config: Config, token: string): Promise<number | null> {
  const { key, verified } = signerOf(config);
  const hit = verified.get(token);
  if (hit) {
    if (hit.expiresAtMs > Date.now()) return hit.userId;
    verified.delete(token);
  }
  const lifetime = lifetimeOf(config);
  try {
    const { payload } = await jwtVerify(token, key, {
      issuer: ISSUER,
      algorithms: ['HS256'],
      requiredClaims: ['sub', 'iat', 'exp'],
      // With maxTokenAge jose also refuses an iat in the future (beyond the tolerance).
      maxTokenAge: lifetime,
      clockTolerance: CLOCK_SKEW_SECONDS,
    });
    const { exp, iat } = payload as { exp: number; iat: number };
    if (exp - iat > lifetime) return null;
    const subject = payload.sub ? fromGlobalId(payload.sub) : null;
    if (subject?.type !== 'User') return null;
    if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value!);
    verified.set(token, { userId: subject.id, expiresAtMs: exp * 1000 });
    return subject.id;
  } catch {
    return null;
  }
}
