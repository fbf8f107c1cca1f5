import { SignJWT, jwtVerify } from 'jose';
import type { Config } from '../../config';
import { fromGlobalId, toGlobalId } from '../../common/global-id';

const ISSUER = 'orion-graphql';

/** Signs an HS256 bearer token whose subject is the user's global ID. */
export async function signToken(config: Config, userId: number): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(toGlobalId('User', userId))
    .setIssuer(ISSUER)
    .setIssuedAt()
    .setExpirationTime(config.jwt.expiresIn)
    .sign(new TextEncoder().encode(config.jwt.secret));
}

/** The user id of a valid token, or null for a bad, expired or foreign one. */
export async function verifyToken(config: Config, token: string): Promise<number | null> {
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(config.jwt.secret), {
      issuer: ISSUER,
      algorithms: ['HS256'],
    });
    const subject = payload.sub ? fromGlobalId(payload.sub) : null;
    return subject?.type === 'User' ? subject.id : null;
  } catch {
    return null;
  }
}
