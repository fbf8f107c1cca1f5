import type { EntityManager } from 'typeorm';

import { StoreApiKey } from '../../entities/tenancy/store-api-key.entity';

/** The statements on store API keys: a key's insert, its read by id and its revocation. */

/** Inserts a key (its hash and display prefix, never the secret); returns it saved. */
export function createApiKey(
  em: EntityManager,
  fields: Pick<StoreApiKey, 'storeId' | 'name' | 'prefix' | 'keyHash' | 'createdById'>,
): Promise<StoreApiKey> {
  return em.save(em.create(StoreApiKey, fields));
}

/** The key with this id, row-locked so it is revoked once; null when none or out of the caller's reach. */
export function lockApiKey(em: EntityManager, id: number): Promise<StoreApiKey | null> {
  return em.findOne(StoreApiKey, { where: { id }, lock: { mode: 'pessimistic_write' } });
}

/** The key with this id, read again after a write (with its database defaults); throws when there is none. */
export function reloadApiKey(em: EntityManager, id: number): Promise<StoreApiKey> {
  return em.findOneByOrFail(StoreApiKey, { id });
}

/** Stamps the key revoked at `at` by `revokedById`. */
export async function markApiKeyRevoked(
  em: EntityManager,
  id: number,
  at: Date,
  revokedById: number | null,
): Promise<void> {
  await em.update(StoreApiKey, { id }, { revokedAt: at, revokedById });
}
