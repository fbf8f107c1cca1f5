import type { EntityManager } from 'typeorm';

import { DomainError, isUniqueViolation, notFound, UserErrorCode } from '../../common/errors';
import { idOf, toGlobalId } from '../../common/global-id';
import type { Context } from '../../context';
import type { Store } from '../../entities/tenancy/store.entity';
import type { StorePlatform } from '../../entities/tenancy/store-platform.entity';
import { policy } from '../../policy/policy';
import { findStoreById } from '../../repositories/tenancy/store.repository';
import {
  clearPrimaryMembership,
  createMembership,
  findMembershipById,
  markMembershipPrimary,
  membershipsOfStore,
  saveMembership,
  softDeleteMembership,
} from '../../repositories/tenancy/store-platform.repository';
import { subscriptionService } from '../subscriptions/subscription.service';
import { isOpen } from './platform-rules';
import { findStore, viewerOf } from './scoped';

export interface AddStoreToPlatformInput {
  storeId: string;
  platformCode: string;
  tierCode?: string | null;
  customSubdomain?: string | null;
  settings?: Record<string, unknown> | null;
  isPrimary?: boolean | null;
}

export interface UpdateStorePlatformInput {
  id: string;
  isActive?: boolean | null;
  customSubdomain?: string | null;
  settings?: Record<string, unknown> | null;
}

const subdomainTaken = () =>
  new DomainError(UserErrorCode.ALREADY_EXISTS, 'Another store uses this subdomain on this platform', [
    'customSubdomain',
  ]);

/** A membership the viewer may manage, with its store locked so primary changes serialise per store. */
async function findMembershipToManage(ctx: Context, em: EntityManager, globalId: string, field: string[]) {
  const viewer = await viewerOf(ctx);
  const id = idOf('StorePlatform', globalId);
  const membership = id === null ? null : await findMembershipById(em, id);
  const store = membership ? await findStoreById(em, membership.storeId, { lock: true }) : null;
  if (!membership || !store || !policy.managesStore(viewer, store)) throw notFound('Store platform membership', field);
  return { membership, store };
}

/** Maps lost races on the membership unique indexes to user errors. */
function membershipConflict(error: unknown): DomainError | null {
  if (isUniqueViolation(error, 'uq_store_platform')) {
    return new DomainError(UserErrorCode.ALREADY_EXISTS, 'The store is already on this platform', ['platformCode']);
  }
  if (isUniqueViolation(error, 'uq_store_platform_custom_subdomain')) return subdomainTaken();
  return null;
}

/**
 * Store memberships in platforms. At most one membership per store and
 * platform and one primary per store: the store row is locked for every
 * change and partial unique indexes back both rules. A new membership starts
 * its subscription as a TRIAL.
 */
export const storePlatformService = {
  async add(ctx: Context, input: AddStoreToPlatformInput): Promise<StorePlatform> {
    try {
      return await ctx.manager.transaction(async (em) => {
        const store = await findStore(ctx, em, input.storeId, {
          access: 'manage',
          field: ['storeId'],
          lock: true,
        });
        const platform = await ctx.loaders.platformByCode(input.platformCode);
        if (!platform) throw notFound('Platform', ['platformCode']);
        if (!isOpen(platform)) {
          throw new DomainError(UserErrorCode.INVALID_STATE, 'The platform takes no new members', ['platformCode']);
        }
        const existing = await membershipsOfStore(em, store.id);
        if (existing.some((m) => m.platformId === platform.id)) {
          throw new DomainError(UserErrorCode.ALREADY_EXISTS, 'The store is already on this platform', [
            'platformCode',
          ]);
        }
        const isPrimary = input.isPrimary ?? existing.length === 0;
        if (isPrimary) await clearPrimaryMembership(em, store.id);
        const membership = await createMembership(em, {
          storeId: store.id,
          platformId: platform.id,
          isPrimary,
          customSubdomain: input.customSubdomain?.toLowerCase() ?? null,
          settings: input.settings ?? {},
        });
        await subscriptionService.startTrial(ctx, em, membership, input.tierCode);
        return membership;
      });
    } catch (error) {
      throw membershipConflict(error) ?? error;
    }
  },

  async update(ctx: Context, input: UpdateStorePlatformInput): Promise<StorePlatform> {
    try {
      return await ctx.manager.transaction(async (em) => {
        const { membership } = await findMembershipToManage(ctx, em, input.id, ['id']);
        if (input.isActive != null) membership.isActive = input.isActive;
        if (input.customSubdomain !== undefined)
          membership.customSubdomain = input.customSubdomain?.toLowerCase() ?? null;
        if (input.settings != null) membership.settings = input.settings;
        return await saveMembership(em, membership);
      });
    } catch (error) {
      throw membershipConflict(error) ?? error;
    }
  },

  async setPrimary(ctx: Context, storePlatformId: string): Promise<Store> {
    return ctx.manager.transaction(async (em) => {
      const { membership, store } = await findMembershipToManage(ctx, em, storePlatformId, ['storePlatformId']);
      await clearPrimaryMembership(em, store.id);
      await markMembershipPrimary(em, membership.id);
      return store;
    });
  },

  async remove(ctx: Context, globalId: string): Promise<{ deletedId: string }> {
    return ctx.manager.transaction(async (em) => {
      const { membership } = await findMembershipToManage(ctx, em, globalId, ['id']);
      await softDeleteMembership(em, membership);
      return { deletedId: toGlobalId('StorePlatform', membership.id) };
    });
  },
};
