import type { EntityManager } from 'typeorm';

import { DomainError, isUniqueViolation, notFound, UserErrorCode } from '../../common/errors';
import { idOf, toGlobalId } from '../../common/global-id';
import type { Context } from '../../context';
import type { AddOnProduct } from '../../entities/subscriptions/add-on-product.entity';
import { AddOnCategory, AddOnStatus, BillingPeriod } from '../../entities/subscriptions/enums';
import type { StoreAddOn } from '../../entities/subscriptions/store-add-on.entity';
import {
  addOnCatalogue,
  createAddOnProduct,
  createStoreAddOn,
  findAddOnProduct,
  findAddOnProductByCode,
  lockStoreAddOn,
  saveAddOnProduct,
  saveStoreAddOn,
  storeHasActiveAddOn,
} from '../../repositories/subscriptions/add-on.repository';
import { clock } from '../clock';
import { findStore } from '../tenancy/scoped';

export interface CreateAddOnProductInput {
  code: string;
  name: string;
  description?: string | null;
  category: AddOnCategory;
  priceCents: number;
  billingPeriod?: BillingPeriod | null;
  quantityUnit?: string | null;
  quantityValue?: number | null;
  stripeProductId?: string | null;
  stripePriceId?: string | null;
  displayOrder?: number | null;
  isActive?: boolean | null;
}

/** Absent fields stay; null clears the optional ones and leaves the required ones. */
export type UpdateAddOnProductInput = { id: string } & {
  [K in keyof CreateAddOnProductInput]?: CreateAddOnProductInput[K] | null;
};

export interface PurchaseAddOnInput {
  storeId: string;
  addOnProductId: string;
  quantity?: number | null;
  domainName?: string | null;
}

export interface CancelAddOnInput {
  id: string;
}

const CODE_INDEX = 'uq_addon_products_code';

const codeTaken = () =>
  new DomainError(UserErrorCode.ALREADY_EXISTS, 'An add-on product with this code exists', ['code']);

/** The end of the first period of a purchase made at `start`: null for one-time purchases. */
function periodEndOf(start: Date, period: BillingPeriod): Date | null {
  if (period === BillingPeriod.ONE_TIME) return null;
  const end = new Date(start.getTime());
  const months = period === BillingPeriod.ANNUAL ? 12 : 1;
  const day = end.getUTCDate();
  end.setUTCMonth(end.getUTCMonth() + months, 1);
  // Clamp to the last day of the target month: 31 January + 1 month is 28/29 February, not 2/3 March.
  const lastDay = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() + 1, 0)).getUTCDate();
  end.setUTCDate(Math.min(day, lastDay));
  return end;
}

/** An add-on is in scope exactly when its store is manageable; out of scope it looks missing. */
async function assertStoreManageable(ctx: Context, em: EntityManager, addOn: StoreAddOn): Promise<void> {
  try {
    await findStore(ctx, em, toGlobalId('Store', addOn.storeId), { access: 'manage', field: ['id'] });
  } catch (error) {
    if (error instanceof DomainError && error.code === UserErrorCode.NOT_FOUND) throw notFound('Add-on', ['id']);
    throw error;
  }
}

async function assertCodeFree(em: EntityManager, code: string, exceptId: number | null): Promise<void> {
  const existing = await findAddOnProductByCode(em, code);
  if (existing && existing.id !== exceptId) throw codeTaken();
}

/** Runs a write on add-on products; a lost race on the unique code becomes ALREADY_EXISTS. */
async function writingProduct<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (isUniqueViolation(error, CODE_INDEX)) throw codeTaken();
    throw error;
  }
}

/**
 * Add-ons: ADMIN keeps the catalogue (products are deactivated, never
 * deleted, as purchases reference them); a store's managers (ADMIN, the
 * merchant's owner) buy and cancel them. At most one ACTIVE purchase of a
 * product per store, enforced under the store's row lock.
 */
export const addOnService = {
  /** Active products for everyone, all of them for ADMIN; catalogue order. */
  async listProducts(ctx: Context, category: AddOnCategory | null): Promise<AddOnProduct[]> {
    const viewer = await ctx.viewer();
    return addOnCatalogue(ctx.manager, { category, activeOnly: !viewer?.isAdmin });
  },

  createProduct(ctx: Context, input: CreateAddOnProductInput): Promise<AddOnProduct> {
    return writingProduct(() =>
      ctx.manager.transaction(async (em) => {
        await assertCodeFree(em, input.code, null);
        return createAddOnProduct(em, {
          code: input.code,
          name: input.name,
          description: input.description ?? null,
          category: input.category,
          priceCents: input.priceCents,
          billingPeriod: input.billingPeriod ?? BillingPeriod.MONTHLY,
          quantityUnit: input.quantityUnit ?? null,
          quantityValue: input.quantityValue ?? null,
          stripeProductId: input.stripeProductId ?? null,
          stripePriceId: input.stripePriceId ?? null,
          displayOrder: input.displayOrder ?? 0,
          isActive: input.isActive ?? true,
        });
      }),
    );
  },

  /** Changes the given fields; null clears the optional ones and is ignored for required ones. */
  updateProduct(ctx: Context, input: UpdateAddOnProductInput): Promise<AddOnProduct> {
    return writingProduct(() =>
      ctx.manager.transaction(async (em) => {
        const id = idOf('AddOnProduct', input.id);
        const product = id === null ? null : await findAddOnProduct(em, id);
        if (!product) throw notFound('Add-on product', ['id']);
        if (input.code != null && input.code !== product.code) {
          await assertCodeFree(em, input.code, product.id);
          product.code = input.code;
        }
        if (input.name != null) product.name = input.name;
        if (input.description !== undefined) product.description = input.description;
        if (input.category != null) product.category = input.category;
        if (input.priceCents != null) product.priceCents = input.priceCents;
        if (input.billingPeriod != null) product.billingPeriod = input.billingPeriod;
        if (input.quantityUnit !== undefined) product.quantityUnit = input.quantityUnit;
        if (input.quantityValue !== undefined) product.quantityValue = input.quantityValue;
        if (input.stripeProductId !== undefined) product.stripeProductId = input.stripeProductId;
        if (input.stripePriceId !== undefined) product.stripePriceId = input.stripePriceId;
        if (input.displayOrder != null) product.displayOrder = input.displayOrder;
        if (input.isActive != null) product.isActive = input.isActive;
        return saveAddOnProduct(em, product);
      }),
    );
  },

  /**
   * Buys an active product for a store the caller manages. The store row is
   * locked before the "already active" check, so concurrent purchases of the
   * same product for one store run one at a time and only the first succeeds.
   */
  purchase(ctx: Context, input: PurchaseAddOnInput): Promise<StoreAddOn> {
    return ctx.manager.transaction(async (em) => {
      const store = await findStore(ctx, em, input.storeId, {
        access: 'manage',
        field: ['storeId'],
        lock: true,
      });
      const productId = idOf('AddOnProduct', input.addOnProductId);
      const product = productId === null ? null : await findAddOnProduct(em, productId);
      if (!product) throw notFound('Add-on product', ['addOnProductId']);
      if (!product.isActive) {
        throw new DomainError(UserErrorCode.INVALID_STATE, 'This add-on product is no longer offered', [
          'addOnProductId',
        ]);
      }
      const domainName = input.domainName?.toLowerCase() ?? null;
      if (product.category === AddOnCategory.DOMAIN && !domainName) {
        throw new DomainError(UserErrorCode.INVALID_STATE, 'A domain add-on needs the domainName to register', [
          'domainName',
        ]);
      }
      if (product.category !== AddOnCategory.DOMAIN && domainName) {
        throw new DomainError(UserErrorCode.INVALID_STATE, 'Only DOMAIN add-ons take a domainName', ['domainName']);
      }
      if (await storeHasActiveAddOn(em, store.id, product.id)) {
        throw new DomainError(UserErrorCode.ALREADY_EXISTS, 'The store already has this add-on active', [
          'addOnProductId',
        ]);
      }
      const now = clock.now();
      return createStoreAddOn(em, {
        storeId: store.id,
        addOnProductId: product.id,
        status: AddOnStatus.ACTIVE,
        domainName,
        quantity: input.quantity ?? 1,
        stripeSubscriptionItemId: null,
        periodStart: now,
        periodEnd: periodEndOf(now, product.billingPeriod),
        cancelledAt: null,
      });
    });
  },

  /** Cancels an ACTIVE add-on of a store the caller manages; it stays usable until its period end. */
  cancel(ctx: Context, input: CancelAddOnInput): Promise<StoreAddOn> {
    return ctx.manager.transaction(async (em) => {
      const id = idOf('StoreAddOn', input.id);
      // Locked so that concurrent cancels see each other: the second one finds it CANCELLED.
      const addOn = id === null ? null : await lockStoreAddOn(em, id);
      if (!addOn) throw notFound('Add-on', ['id']);
      await assertStoreManageable(ctx, em, addOn);
      if (addOn.status !== AddOnStatus.ACTIVE) {
        throw new DomainError(UserErrorCode.INVALID_STATE, 'This add-on is already cancelled', ['id']);
      }
      addOn.status = AddOnStatus.CANCELLED;
      addOn.cancelledAt = clock.now();
      return saveStoreAddOn(em, addOn);
    });
  },
};
