import type { IncomingMessage } from 'node:http';
import type { EntityManager } from 'typeorm';
import type { Config } from '../config';
import { authenticateApiKey, isApiKey } from '../services/auth/api-key';
import { verifyToken } from '../services/auth/token';
import type { Viewer } from '../services/tenancy/viewer';

/** A bearer token was sent but is malformed, forged, expired, or an API key that no longer works. */
export class InvalidTokenError extends Error {
  constructor() {
    super('The bearer token is invalid or expired');
  }
}

/**
 * Who a bearer token names: a user (a JWT; their viewer loads lazily, when
 * asked for) or a store API key (`orion_sk_...`; looked up here, as only
 * the database knows whether it still works, so its viewer is ready).
 */
export type Credential = { kind: 'user'; userId: number } | { kind: 'apiKey'; viewer: Viewer };

/** The credential of the request's bearer token; null without one, InvalidTokenError for a bad one. */
export async function authenticate(
  config: Config,
  manager: EntityManager,
  req: IncomingMessage,
): Promise<Credential | null> {
  const header = req.headers.authorization;
  if (!header) return null;
  const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
  if (token && isApiKey(token)) {
    const viewer = await authenticateApiKey(manager, token);
    if (viewer) return { kind: 'apiKey', viewer };
  } else {
    const userId = token ? await verifyToken(config, token) : null;
    if (userId !== null) return { kind: 'user', userId };
  }
  throw new InvalidTokenError();
}
