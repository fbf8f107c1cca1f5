import type { EntityManager } from 'typeorm';

import { DomainError, UserErrorCode } from '../../common/errors';
import { idOf } from '../../common/global-id';
import type { Context } from '../../context';
import { Store } from '../../entities/tenancy/store.entity';
import { policy } from '../../policy/policy';
import { allowsAccess } from '../subscriptions/limit-rules';
import { subscriptionService } from '../subscriptions/subscription.service';
import { grantsFeature } from '../subscriptions/subscription-rules';

/**
 * The service-level feature check, for GraphQL (through @RequireFeature) and
 * for paths that are not GraphQL alike: the store's governing subscription
 * must grant `code` (grantsFeature); else SUBSCRIPTION_INACTIVE when it does
 * not allow access, or FEATURE_NOT_AVAILABLE naming the tier that unlocks it.
 */
export async function assertFeature(ctx: Context, em: EntityManager, storeId: number, code: string): Promise<void> {
  const { subscription, tier } = await subscriptionService.governingSubscription(em, storeId, false);
  if (grantsFeature(subscription, tier, code)) return;
  if (!allowsAccess(subscription)) {
    throw new DomainError(UserErrorCode.SUBSCRIPTION_INACTIVE, 'The subscription is not active', ['storeId']);
  }
  const catalog = await ctx.loaders.catalog();
  const feature = catalog.features.find((f) => f.code === code);
  const unlock = feature?.minimumTierId ? (catalog.tiers.get(feature.minimumTierId) ?? null) : null;
  const name = feature?.name ?? code;
  throw new DomainError(
    UserErrorCode.FEATURE_NOT_AVAILABLE,
    unlock ? `${name} needs the ${unlock.name} tier (${unlock.code})` : `${name} is not in any public tier`,
    ['storeId'],
  );
}

/**
 * The gate of an operation on the store its arguments name by global ID
 * (@RequireFeature): the store must have `code` (assertFeature) when the
 * caller is on its team. A store the caller may not act on passes, so the
 * operation itself answers NOT_FOUND as it would for any store out of reach.
 */
export async function assertStoreOperationFeature(ctx: Context, storeGlobalId: unknown, code: string): Promise<void> {
  const storeId = typeof storeGlobalId === 'string' ? idOf('Store', storeGlobalId) : null;
  const store = storeId === null ? null : await ctx.loaders.byId(Store).load(storeId);
  if (!store || !policy.onStoreTeam(await ctx.viewer(), store)) return;
  await assertFeature(ctx, ctx.manager, store.id, code);
}
