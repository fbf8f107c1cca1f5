import type { EntityManager } from 'typeorm';
import type { Context } from '../../context';
import { idOf } from '../../common/global-id';
import { notFound } from '../../common/errors';
import { Merchant } from '../../entities/tenancy/merchant.entity';
import { Store } from '../../entities/tenancy/store.entity';
import { scope, type Viewer } from './viewer';

/** The authenticated viewer; resolvers guard with @Authorized, so its absence is a programming error. */
export async function viewerOf(ctx: Context): Promise<Viewer> {
  const viewer = await ctx.viewer();
  if (!viewer) throw new Error('service called without an authenticated viewer');
  return viewer;
}

type Access = 'see' | 'manage';

/**
 * The only way services load a store by ID: out of scope, deleted or
 * malformed IDs all raise NOT_FOUND on `field`. `lock` takes a row lock
 * for check-then-write rules on the store.
 */
export async function findStoreInScope(
  ctx: Context,
  em: EntityManager,
  globalId: string,
  options: { access: Access; field: string[]; lock?: boolean; withDeleted?: boolean },
): Promise<Store> {
  const viewer = await viewerOf(ctx);
  const id = idOf('Store', globalId);
  const store =
    id === null
      ? null
      : await em.findOne(Store, {
          where: { id },
          withDeleted: options.withDeleted ?? false,
          ...(options.lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
        });
  const allowed = store && (options.access === 'see' ? scope.canSeeStore : scope.canManageStore)(viewer, store);
  if (!store || !allowed) throw notFound('Store', options.field);
  return store;
}

export async function findMerchantInScope(
  ctx: Context,
  em: EntityManager,
  globalId: string,
  options: { access: Access; field: string[]; withDeleted?: boolean },
): Promise<Merchant> {
  const viewer = await viewerOf(ctx);
  const id = idOf('Merchant', globalId);
  const merchant =
    id === null ? null : await em.findOne(Merchant, { where: { id }, withDeleted: options.withDeleted ?? false });
  const allowed =
    merchant && (options.access === 'see' ? scope.canSeeMerchant : scope.canManageMerchant)(viewer, merchant.id);
  if (!merchant || !allowed) throw notFound('Merchant', options.field);
  return merchant;
}
