import type { EntityManager } from 'typeorm';
import type { Context } from '../../context';
import { DomainError, UserErrorCode, isUniqueViolation, notFound } from '../../common/errors';
import { idOf, toGlobalId } from '../../common/global-id';
import { Store } from '../../entities/tenancy/store.entity';
import { StorePlatform } from '../../entities/tenancy/store-platform.entity';
import { findStore, viewerOf } from './scoped';
import { policy } from '../../policy/policy';
import { startTrial } from '../subscriptions/subscription.service';

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
  const membership = id === null ? null : await em.findOne(StorePlatform, { where: { id } });
  const store = membership
    ? await em.findOne(Store, { where: { id: membership.storeId }, lock: { mode: 'pessimistic_write' } })
    : null;
  if (!membership || !store || !policy.managesStore(viewer, store)) throw notFound('Store platform membership', field);
  return { membership, store };
}

async function clearPrimary(em: EntityManager, storeId: number): Promise<void> {
  await em.update(StorePlatform, { storeId, isPrimary: true }, { isPrimary: false });
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
      return await ctx.dataSource.transaction(async (em) => {
        const store = await findStore(ctx, em, input.storeId, {
          access: 'manage',
          field: ['storeId'],
          lock: true,
        });
        const platform = await ctx.loaders.platformByCode(input.platformCode);
        if (!platform) throw notFound('Platform', ['platformCode']);
        const existing = await em.find(StorePlatform, { where: { storeId: store.id } });
        if (existing.some((m) => m.platformId === platform.id)) {
          throw new DomainError(UserErrorCode.ALREADY_EXISTS, 'The store is already on this platform', [
            'platformCode',
          ]);
        }
        const isPrimary = input.isPrimary ?? existing.length === 0;
        if (isPrimary) await clearPrimary(em, store.id);
        const membership = await em.save(
          em.create(StorePlatform, {
            storeId: store.id,
            platformId: platform.id,
            isPrimary,
            customSubdomain: input.customSubdomain?.toLowerCase() ?? null,
            settings: input.settings ?? {},
          }),
        );
        await startTrial(ctx, em, membership, input.tierCode);
        return membership;
      });
    } catch (error) {
      throw membershipConflict(error) ?? error;
    }
  },

  async update(ctx: Context, input: UpdateStorePlatformInput): Promise<StorePlatform> {
    try {
      return await ctx.dataSource.transaction(async (em) => {
        const { membership } = await findMembershipToManage(ctx, em, input.id, ['id']);
        if (input.isActive != null) membership.isActive = input.isActive;
        if (input.customSubdomain !== undefined)
          membership.customSubdomain = input.customSubdomain?.toLowerCase() ?? null;
        if (input.settings != null) membership.settings = input.settings;
        return await em.save(membership);
      });
    } catch (error) {
      throw membershipConflict(error) ?? error;
    }
  },

  async setPrimary(ctx: Context, storePlatformId: string): Promise<Store> {
    return ctx.dataSource.transaction(async (em) => {
      const { membership, store } = await findMembershipToManage(ctx, em, storePlatformId, ['storePlatformId']);
      await clearPrimary(em, store.id);
      await em.update(StorePlatform, { id: membership.id }, { isPrimary: true });
      return store;
    });
  },

  async remove(ctx: Context, globalId: string): Promise<{ deletedId: string }> {
    return ctx.dataSource.transaction(async (em) => {
      const { membership } = await findMembershipToManage(ctx, em, globalId, ['id']);
      await em.softRemove(membership);
      return { deletedId: toGlobalId('StorePlatform', membership.id) };
    });
  },
};
