import { GraphQLError, type GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { GraphQLDateTime } from 'graphql-scalars';
import { type AuthChecker, buildSchema } from 'type-graphql';

import { AccessDeniedError } from './common/errors';
import { validateArgument } from './common/validate-argument';
import type { Context } from './context';
import type { Role } from './entities/tenancy/enums';
import { AnalyticsResolver } from './resolvers/features/analytics.resolver';
import { FeatureResolver } from './resolvers/features/feature.resolver';
import { CardOperationsResolver } from './resolvers/loyalty/card-operations.resolver';
import {
  CustomerLoyaltyResolver,
  LoyaltyCardResolver,
  LoyaltyTransactionResolver,
} from './resolvers/loyalty/loyalty-card.resolver';
import {
  LoyaltyProgramResolver,
  MerchantLoyaltyResolver,
  StaffPinResolver,
} from './resolvers/loyalty/loyalty-program.resolver';
import { NodeResolver } from './resolvers/node.resolver';
import { AddOnResolver } from './resolvers/subscriptions/add-on.resolver';
import { StoreSubscriptionResolver } from './resolvers/subscriptions/store-subscription.resolver';
import {
  SubscriptionLifecycleResolver,
  TestClockResolver,
} from './resolvers/subscriptions/subscription-lifecycle.resolver';
import { SubscriptionTierResolver } from './resolvers/subscriptions/subscription-tier.resolver';
import { CustomerResolver, OrderResolver, ProductResolver } from './resolvers/tenancy/catalog.resolver';
import { MerchantResolver } from './resolvers/tenancy/merchant.resolver';
import { PlatformResolver } from './resolvers/tenancy/platform.resolver';
import { StoreResolver } from './resolvers/tenancy/store.resolver';
import { StoreApiKeyResolver } from './resolvers/tenancy/store-api-key.resolver';
import { StorePlatformResolver } from './resolvers/tenancy/store-platform.resolver';
import { StoreUserResolver } from './resolvers/tenancy/store-user.resolver';
import { UserResolver } from './resolvers/tenancy/user.resolver';

/** `@Authorized()` needs a live, active user; `@Authorized(roles)` also one of the roles. */
export const authChecker: AuthChecker<Context, Role> = async ({ context }, roles) => {
  const viewer = await context.viewer();
  if (!viewer) {
    throw new GraphQLError('Sign in first: send a valid bearer token', { extensions: { code: 'UNAUTHENTICATED' } });
  }
  if (roles.length > 0 && !roles.includes(viewer.role))
    throw new AccessDeniedError(`Only ${roles.join(' or ')} may do this`);
  return true;
};

export const resolvers = [
  NodeResolver,
  UserResolver,
  PlatformResolver,
  MerchantResolver,
  StoreResolver,
  StorePlatformResolver,
  StoreUserResolver,
  StoreApiKeyResolver,
  CustomerResolver,
  ProductResolver,
  OrderResolver,
  SubscriptionTierResolver,
  StoreSubscriptionResolver,
  AddOnResolver,
  FeatureResolver,
  SubscriptionLifecycleResolver,
  AnalyticsResolver,
  CardOperationsResolver,
  LoyaltyProgramResolver,
  MerchantLoyaltyResolver,
  StaffPinResolver,
  LoyaltyCardResolver,
  LoyaltyTransactionResolver,
  CustomerLoyaltyResolver,
] as const;

/** The schema; `testClock` adds `advanceTestClock` (TEST_CLOCK=1 only). */
export function createSchema(options: { testClock?: boolean } = {}): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: options.testClock ? [...resolvers, TestClockResolver] : resolvers,
    authChecker,
    validateFn: validateArgument,
    scalarsMap: [{ type: Date, scalar: GraphQLDateTime }],
  });
}

/**
 * The schema as committed SDL (schema.graphql): types and fields sorted by
 * name, so that the text depends on the schema alone, never on the order in
 * which modules happened to register their types.
 */
export async function schemaSdl(): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await createSchema()))}\n`;
}
