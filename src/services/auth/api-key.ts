import { createHash, randomBytes } from 'node:crypto';

/** Bearer tokens that start with this are store API keys, not JWTs. */
export const API_KEY_SCHEME = 'orion_sk_';
export const API_KEY_FEATURE = 'api_access';
const API_KEY_PATTERN = /^orion_sk_[A-Za-z0-9_-]{43}$/;
const PREFIX_LENGTH = 8;

export const isApiKey = (token: string): boolean => token.startsWith(API_KEY_SCHEME);

/**
 * SHA-256 (hex) of a key. A fast hash is enough: the key carries 256 random
 * bits, so unlike a password it cannot be guessed from its hash, and one
 * indexed lookup finds it on every request.
 */
export const hashApiKey = (key: string): string => createHash('sha256').update(key).digest('hex');

/** A new key (`orion_sk_` + 32 CSPRNG bytes, base64url), its hash and its display prefix. */
export function newApiKey(): { key: string; keyHash: string; prefix: string } {
  const key = `${API_KEY_SCHEME}${randomBytes(32).toString('base64url')}`;
  return {
    key,
    keyHash: hashApiKey(key),
    prefix: key.slice(API_KEY_SCHEME.length, API_KEY_SCHEME.length + PREFIX_LENGTH),
  };
}

/** The hash a well-formed key is looked up by (null: malformed, so no key); the opening checks the rest. */
export const apiKeyHashOf = (key: string): string | null => (API_KEY_PATTERN.test(key) ? hashApiKey(key) : null);
