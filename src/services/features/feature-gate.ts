import type { EntityManager } from 'typeorm';
import { DomainError, UserErrorCode } from '../../common/errors';
import type { Context } from '../../context';
import { allowsAccess } from '../subscriptions/limits';
import { grantsFeature } from '../subscriptions/rules';
import { governingSubscription } from '../subscriptions/subscription.service';

/**
 * The service-level feature check, for GraphQL (through @RequireFeature) and
 * for paths that are not GraphQL alike: the store's governing subscription
 * must grant `code` (grantsFeature); else SUBSCRIPTION_INACTIVE when it does
 * not allow access, or FEATURE_NOT_AVAILABLE naming the tier that unlocks it.
 */
export async function assertFeature(ctx: Context, em: EntityManager, storeId: number, code: string): Promise<void> {
  const { subscription, tier } = await governingSubscription(em, storeId, false);
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
