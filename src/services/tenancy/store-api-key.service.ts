import { AccessDeniedError, DomainError, UserErrorCode } from '../../common/errors';
import { idOf } from '../../common/global-id';
import type { Context } from '../../context';
import { type Store } from '../../entities/tenancy/store.entity';
import { StoreApiKey } from '../../entities/tenancy/store-api-key.entity';
import { policy, visible } from '../../policy/policy';
import {
  createApiKey,
  lockApiKey,
  markApiKeyRevoked,
  reloadApiKey,
} from '../../repositories/tenancy/store-api-key.repository';
import { API_KEY_FEATURE, newApiKey } from '../auth/api-key';
import { clock } from '../clock';
import { assertFeature } from '../features/feature-gate';
import { findStore, viewerOf } from './scoped';

export interface CreateApiKeyInput {
  storeId: string;
  name: string;
}

/**
 * Store API keys: the store's owner (or ADMIN) creates them on a tier with
 * `api_access`, lists them and revokes them. The secret exists only in the
 * answer to `create`; the database keeps its SHA-256. An API key is never
 * able to manage its store, so it cannot create, list or revoke keys.
 */
export const storeApiKeyService = {
  async create(ctx: Context, input: CreateApiKeyInput): Promise<{ apiKey: StoreApiKey; secret: string }> {
    const viewer = await viewerOf(ctx);
    const { key, keyHash, prefix } = newApiKey();
    const apiKey = await ctx.manager.transaction(async (em) => {
      const store = await findStore(ctx, em, input.storeId, { access: 'manage', field: ['storeId'] });
      // @RequireFeature gates the mutation; checking here too keeps the rule with the service for any caller.
      await assertFeature(ctx, em, store.id, API_KEY_FEATURE);
      const saved = await createApiKey(em, {
        storeId: store.id,
        name: input.name,
        prefix,
        keyHash,
        createdById: viewer.userId,
      });
      return reloadApiKey(em, saved.id);
    });
    return { apiKey, secret: key };
  },

  /** Revokes a key for good; a second revoke is INVALID_STATE, a key outside the caller's stores NOT_FOUND. */
  async revoke(ctx: Context, globalId: string): Promise<StoreApiKey> {
    const viewer = await viewerOf(ctx);
    return ctx.manager.transaction(async (em) => {
      const id = idOf('StoreApiKey', globalId);
      // The policies show keys to who manages their store only.
      const apiKey = visible(id === null ? null : await lockApiKey(em, id), 'API key', ['id']);
      if (apiKey.revokedAt)
        throw new DomainError(UserErrorCode.INVALID_STATE, 'The API key is already revoked', ['id']);
      await markApiKeyRevoked(em, apiKey.id, clock.now(), viewer.userId);
      return reloadApiKey(em, apiKey.id);
    });
  },

  /** A store's keys, revoked ones included, oldest first; only for who may manage the store. */
  async listOf(ctx: Context, store: Store): Promise<StoreApiKey[]> {
    if (!policy.managesStore(await ctx.viewer(), store)) {
      throw new AccessDeniedError("Only the store's owner may see its API keys");
    }
    return ctx.loaders.childrenOf(StoreApiKey, 'storeId').load(store.id);
  },
};
