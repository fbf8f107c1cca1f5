import type { EntityManager } from 'typeorm';

import { idOf } from '../../common/global-id';
import type { Context } from '../../context';
import type { Merchant } from '../../entities/tenancy/merchant.entity';
import type { Store } from '../../entities/tenancy/store.entity';
import { type Access, allows, visible } from '../../policy/policy';
import { findMerchantById } from '../../repositories/tenancy/merchant.repository';
import { findStoreById } from '../../repositories/tenancy/store.repository';
import type { Viewer } from './viewer';

/** The authenticated viewer; resolvers guard with @Authorized, so its absence is a programming error. */
export async function viewerOf(ctx: Context): Promise<Viewer> {
  const viewer = await ctx.viewer();
  if (!viewer) throw new Error('service called without an authenticated viewer');
  return viewer;
}

/**
 * The store a service acts on, by its global ID: a plain find (row-level
 * security leaves out what the caller may not see), then who may act on it
 * (src/policy): out of reach, deleted, malformed or not the caller's to act
 * on all raise NOT_FOUND on `field`. `lock` takes a row lock for
 * check-then-write rules on the store.
 */
export async function findStore(
  ctx: Context,
  em: EntityManager,
  globalId: string,
  options: { access: Access; field: string[]; lock?: boolean; withDeleted?: boolean },
): Promise<Store> {
  const viewer = await viewerOf(ctx);
  const id = idOf('Store', globalId);
  const store =
    id === null ? null : await findStoreById(em, id, { lock: options.lock, withDeleted: options.withDeleted });
  return visible(
    store,
    'Store',
    options.field,
    !!store && allows(viewer, options.access, { merchantId: store.merchantId, store }),
  );
}

/** The merchant a service acts on, as `findStore`. */
export async function findMerchant(
  ctx: Context,
  em: EntityManager,
  globalId: string,
  options: { access: Access; field: string[]; withDeleted?: boolean },
): Promise<Merchant> {
  const viewer = await viewerOf(ctx);
  const id = idOf('Merchant', globalId);
  const merchant = id === null ? null : await findMerchantById(em, id, { withDeleted: options.withDeleted });
  return visible(
    merchant,
    'Merchant',
    options.field,
    !!merchant && allows(viewer, options.access, { merchantId: merchant.id }),
  );
}
