import { DomainError, isUniqueViolation, UserErrorCode } from '../../common/errors';
import { idOf, toGlobalId } from '../../common/global-id';
import type { Listing, ListRequest } from '../../common/pagination';
import type { Context } from '../../context';
import { Store } from '../../entities/tenancy/store.entity';
import type { Selection } from '../../loaders/read-ahead';
import { deletedRowsFor } from '../../policy/policy';
import { type Condition, listPage } from '../../repositories/listing.repository';
import { merchantIsLive } from '../../repositories/tenancy/merchant.repository';
import {
  createStore,
  reloadStore,
  saveStore,
  storeCodeInUse,
  storesOfMerchantCondition,
  storesOnPlatformCondition,
  storeSubdomainInUse,
} from '../../repositories/tenancy/store.repository';
import { findMerchant, findStore, viewerOf } from './scoped';
import { restoreWithCascade, softDeleteWithCascade } from './soft-delete';

export interface CreateStoreInput {
  merchantId: string;
  name: string;
  storeCode: string;
  subdomain: string;
}

export interface UpdateStoreInput {
  id: string;
  name?: string | null;
  isActive?: boolean | null;
}

export interface StoreListArgs extends ListRequest {
  merchantId?: string | null;
  platformCode?: string | null;
}

const taken = (field: 'storeCode' | 'subdomain') =>
  new DomainError(
    UserErrorCode.ALREADY_EXISTS,
    `A live store already uses this ${field === 'storeCode' ? 'store code' : 'subdomain'}`,
    [field],
  );

/** Maps a lost race on the live-row unique indexes to the field at fault. */
function uniqueStoreError(error: unknown): DomainError | null {
  if (isUniqueViolation(error, 'uq_stores_store_code_live')) return taken('storeCode');
  if (isUniqueViolation(error, 'uq_stores_subdomain_live')) return taken('subdomain');
  return null;
}

/** Stores: scoped reads, owner/ADMIN writes, cascading soft delete and exact restore. */
export const storeService = {
  /** The stores the viewer may see; what the operation asks of them (`selection`) is read ahead: see listPage. */
  async list(ctx: Context, args: StoreListArgs, selection?: Selection): Promise<Listing<Store>> {
    const viewer = await viewerOf(ctx);
    // Row-level security leaves out the stores the viewer may not see.
    const conditions: Condition[] = [];
    if (args.merchantId) conditions.push(storesOfMerchantCondition(idOf('Merchant', args.merchantId) ?? 0));
    if (args.platformCode) conditions.push(storesOnPlatformCondition(args.platformCode));
    const page = { first: args.first, after: args.after, deleted: deletedRowsFor(viewer, args) };
    return listPage(ctx.manager, Store, conditions, page, selection && { loaders: ctx.loaders, selection });
  },

  async get(ctx: Context, id: number): Promise<Store | null> {
    return ctx.loaders.byId(Store).load(id);
  },

  async create(ctx: Context, input: CreateStoreInput): Promise<Store> {
    const storeCode = input.storeCode.toUpperCase();
    const subdomain = input.subdomain.toLowerCase();
    try {
      return await ctx.manager.transaction(async (em) => {
        const merchant = await findMerchant(ctx, em, input.merchantId, {
          access: 'manage',
          field: ['merchantId'],
        });
        if (await storeCodeInUse(em, storeCode)) throw taken('storeCode');
        if (await storeSubdomainInUse(em, subdomain)) throw taken('subdomain');
        return createStore(em, { merchantId: merchant.id, name: input.name, storeCode, subdomain });
      });
    } catch (error) {
      throw uniqueStoreError(error) ?? error;
    }
  },

  async update(ctx: Context, input: UpdateStoreInput): Promise<Store> {
    return ctx.manager.transaction(async (em) => {
      const store = await findStore(ctx, em, input.id, { access: 'manage', field: ['id'], lock: true });
      if (input.name != null) store.name = input.name;
      if (input.isActive != null) store.isActive = input.isActive;
      return saveStore(em, store);
    });
  },

  async delete(ctx: Context, globalId: string): Promise<{ deletedId: string; cascadedIds: string[] }> {
    return ctx.manager.transaction(async (em) => {
      const store = await findStore(ctx, em, globalId, { access: 'manage', field: ['id'], lock: true });
      const cascadedIds = await softDeleteWithCascade(em, store);
      return { deletedId: toGlobalId('Store', store.id), cascadedIds };
    });
  },

  async restore(ctx: Context, globalId: string): Promise<{ store: Store; restoredIds: string[] }> {
    try {
      return await ctx.manager.transaction(async (em) => {
        const store = await findStore(ctx, em, globalId, { access: 'manage', field: ['id'], withDeleted: true });
        if (!store.deletedAt) throw new DomainError(UserErrorCode.INVALID_STATE, 'Store is not deleted', ['id']);
        if (!(await merchantIsLive(em, store.merchantId))) {
          throw new DomainError(UserErrorCode.INVALID_STATE, 'Its merchant is deleted: restore the merchant', ['id']);
        }
        const restoredIds = await restoreWithCascade(em, store);
        return { store: await reloadStore(em, store.id), restoredIds };
      });
    } catch (error) {
      throw uniqueStoreError(error) ?? error;
    }
  },
};
