import { type MiddlewareFn, UseMiddleware } from 'type-graphql';

import type { Context } from '../../context';
import { assertStoreOperationFeature } from '../../services/features/feature-gate';
import { payload } from './user-error';

/**
 * Gates an operation whose payload has `userErrors` on a tier feature of the
 * store named by `input.storeId` (or a `storeId` argument): a refusal is the
 * operation's payload, a FEATURE_NOT_AVAILABLE (or SUBSCRIPTION_INACTIVE)
 * userError, and the operation does not run. The rule is the service's
 * (assertStoreOperationFeature); the refusal's mapping is `payload`'s.
 */
export function RequireFeature(code: string): MethodDecorator {
  const gate: MiddlewareFn<Context> = async ({ args, context }, next) => {
    const storeId: unknown = (args.input as { storeId?: unknown } | undefined)?.storeId ?? args.storeId;
    const refusal = await payload(async () => {
      await assertStoreOperationFeature(context, storeId, code);
      return {};
    });
    return refusal.userErrors.length > 0 ? refusal : next();
  };
  return UseMiddleware(gate);
}
