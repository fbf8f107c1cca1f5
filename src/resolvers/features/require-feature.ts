import { UseMiddleware, type MiddlewareFn } from 'type-graphql';
import type { Context } from '../../context';
import { idOf } from '../../common/global-id';
import { Store } from '../../entities/tenancy/store.entity';
import { assertFeature } from '../../services/features/feature-gate';
import { policy } from '../../policy/policy';
import { userErrorsOf } from '../common/user-error';

/**
 * Gates an operation whose payload has `userErrors` on a tier feature of the
 * store named by `input.storeId` (or a `storeId` argument). A refusal is a
 * FEATURE_NOT_AVAILABLE userError naming the unlocking tier; a store the
 * caller may not act on passes through, so the operation answers NOT_FOUND as usual.
 */
export function RequireFeature(code: string): MethodDecorator {
  const gate: MiddlewareFn<Context> = async ({ args, context }, next) => {
    const globalId: unknown = (args.input as { storeId?: unknown } | undefined)?.storeId ?? args.storeId;
    const storeId = typeof globalId === 'string' ? idOf('Store', globalId) : null;
    const store = storeId === null ? null : await context.loaders.byId(Store).load(storeId);
    if (!store || !policy.onStoreTeam(await context.viewer(), store)) return next();
    try {
      await assertFeature(context, context.manager, store.id, code);
    } catch (error) {
      const userErrors = userErrorsOf(error);
      if (userErrors) return { userErrors };
      throw error;
    }
    return next();
  };
  return UseMiddleware(gate);
}
