import { Field, Int, ObjectType } from 'type-graphql';

import { UserErrorCode } from '../../../common/errors';
import { Feature } from '../../../entities/features/feature.entity';
import { BillingHistory } from '../../../entities/subscriptions/billing-history.entity';
import { SubscriptionTier } from '../../../entities/subscriptions/subscription-tier.entity';
import { ConnectionType } from '../../common/connection';

@ObjectType({ simpleResolvers: true, description: 'Use of one limit in the current period; limit null = unlimited' })
export class UsageMetric {
  @Field(() => Int)
  used!: number;

  @Field(() => Int, { nullable: true })
  limit!: number | null;

  @Field(() => Int, { nullable: true })
  remaining!: number | null;
}

@ObjectType({ simpleResolvers: true })
export class SubscriptionUsage {
  @Field(() => UsageMetric)
  orders!: UsageMetric;

  @Field(() => UsageMetric)
  products!: UsageMetric;

  @Field(() => UsageMetric)
  teamMembers!: UsageMetric;

  @Field(() => UsageMetric)
  cmsPages!: UsageMetric;
}

@ObjectType({ simpleResolvers: true, description: 'Whether one more is allowed now, and the tier that would allow it' })
export class LimitCheck {
  @Field(() => Boolean)
  allowed!: boolean;

  @Field(() => UserErrorCode, { nullable: true })
  code!: UserErrorCode | null;

  @Field(() => String, { nullable: true })
  message!: string | null;

  @Field(() => Int)
  current!: number;

  @Field(() => Int, { nullable: true })
  limit!: number | null;

  @Field(() => SubscriptionTier, { nullable: true })
  upgradeTo!: SubscriptionTier | null;
}

@ObjectType({ simpleResolvers: true })
export class FeatureAccess {
  @Field(() => Boolean)
  enabled!: boolean;

  @Field(() => Feature, { nullable: true })
  feature!: Feature | null;

  @Field(() => SubscriptionTier, { nullable: true, description: 'The cheapest public tier that includes it' })
  upgradeTo!: SubscriptionTier | null;
}

export const BillingHistoryConnection = ConnectionType(BillingHistory);
