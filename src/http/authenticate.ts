import type { Request } from 'express';
import type { Config } from '../config';
import { verifyToken } from '../services/auth/token';

/** A bearer token was sent but is malformed, forged or expired. */
export class InvalidTokenError extends Error {
  constructor() {
    super('The bearer token is invalid or expired');
  }
}

/** The user id of the request's bearer token; null without one. */
export async function authenticate(config: Config, req: Request): Promise<number | null> {
  const header = req.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  const userId = match ? await verifyToken(config, match[1]) : null;
  if (userId === null) throw new InvalidTokenError();
  return userId;
}
