import { createHash, randomBytes } from 'node:crypto';

/** An invitation's token: shown once to the inviter, stored only as its hash. */
export const newInvitationToken = (): string => randomBytes(32).toString('base64url');
export const hashInvitationToken = (token: string): string => createHash('sha256').update(token).digest('hex');
