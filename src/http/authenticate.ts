import type { IncomingMessage } from 'node:http';

import type { Config } from '../config';
import { apiKeyHashOf, isApiKey } from '../services/auth/api-key';
import { verifyToken } from '../services/auth/token';
import type { Credential } from '../services/tenancy/viewer';

/** A bearer token was sent but is malformed, forged, expired, or an API key that no longer works. */
export class InvalidTokenError extends Error {
  constructor() {
    super('The bearer token is invalid or expired');
  }
}

/**
 * Who a bearer token names: a user (a verified JWT) or a store API key
 * (`orion_sk_...`, by its hash). Only the database knows whether the key
 * still works: the request's transaction opens with it (its viewer) and a
 * key that no longer works answers InvalidTokenError there. Null without a
 * token; InvalidTokenError for a bad one.
 */
export async function authenticate(config: Config, req: IncomingMessage): Promise<Credential> {
  const header = req.headers.authorization;
  if (!header) return null;
  const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
  if (token && isApiKey(token)) {
    const keyHash = apiKeyHashOf(token);
    if (keyHash) return { kind: 'apiKey', keyHash };
  } else {
    const userId = token ? await verifyToken(config, token) : null;
    if (userId !== null) return { kind: 'user', userId };
  }
  throw new InvalidTokenError();
}
