import { IsOptional, Length, Max, MaxLength, Min } from 'class-validator';
import { GraphQLNonNegativeInt, GraphQLPositiveInt } from 'graphql-scalars';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';

import { StoreSubscription } from '../../../entities/subscriptions/store-subscription.entity';
import { SubscriptionTier } from '../../../entities/subscriptions/subscription-tier.entity';
import { MaintenanceJob } from '../../../services/subscriptions/maintenance-jobs';
import { Payload } from '../../common/user-error';

registerEnumType(MaintenanceJob, { name: 'MaintenanceJob' });

@InputType()
export class ChangeSubscriptionTierInput {
  @Field(() => ID)
  storeId!: string;

  @Field(() => String)
  @MaxLength(50)
  platformCode!: string;

  @Field(() => String)
  @MaxLength(30)
  tierCode!: string;

  @Field(() => Boolean, { nullable: true, description: 'Bill yearly; unchanged when omitted' })
  annual?: boolean | null;
}

@InputType()
export class CancelSubscriptionInput {
  @Field(() => ID)
  storeId!: string;

  @Field(() => String)
  @MaxLength(50)
  platformCode!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 2000)
  reason?: string | null;
}

@InputType()
export class SetSubscriptionOverridesInput {
  @Field(() => ID)
  subscriptionId!: string;

  @Field(() => GraphQLNonNegativeInt, { nullable: true, description: 'null clears the override' })
  customOrdersLimit?: number | null;

  @Field(() => GraphQLNonNegativeInt, { nullable: true })
  customProductsLimit?: number | null;

  @Field(() => GraphQLNonNegativeInt, { nullable: true })
  customTeamLimit?: number | null;
}

@InputType()
export class UpdateSubscriptionTierInput {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true }) @IsOptional() @Length(1, 100) name?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(5000) description?: string | null;
  @Field(() => GraphQLNonNegativeInt, { nullable: true }) priceMonthlyCents?: number;
  @Field(() => GraphQLNonNegativeInt, { nullable: true }) priceAnnualCents?: number | null;
  @Field(() => GraphQLNonNegativeInt, { nullable: true }) ordersPerMonth?: number | null;
  @Field(() => GraphQLNonNegativeInt, { nullable: true }) productsLimit?: number | null;
  @Field(() => GraphQLNonNegativeInt, { nullable: true }) teamMembers?: number | null;
  @Field(() => GraphQLNonNegativeInt, { nullable: true }) orderHistoryMonths?: number | null;
  @Field(() => GraphQLNonNegativeInt, { nullable: true }) cmsPagesLimit?: number | null;
  @Field(() => GraphQLNonNegativeInt, { nullable: true }) cmsCustomPagesLimit?: number | null;
  @Field(() => [String], { nullable: true }) featureCodes?: string[];
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(100) stripeProductId?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(100) stripePriceMonthlyId?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(100) stripePriceAnnualId?: string | null;
  @Field(() => Int, { nullable: true }) displayOrder?: number;
  @Field(() => Boolean, { nullable: true }) isActive?: boolean;
  @Field(() => Boolean, { nullable: true }) isPublic?: boolean;
}

@InputType()
export class RunMaintenanceInput {
  @Field(() => MaintenanceJob)
  job!: MaintenanceJob;
}

@InputType()
export class AdvanceTestClockInput {
  @Field(() => GraphQLPositiveInt)
  @Max(10 * 366 * 86_400)
  @Min(1)
  seconds!: number;
}

@ObjectType({ simpleResolvers: true })
export class SubscriptionPayload extends Payload {
  @Field(() => StoreSubscription, { nullable: true })
  subscription?: StoreSubscription;
}

@ObjectType({ simpleResolvers: true })
export class TierPayload extends Payload {
  @Field(() => SubscriptionTier, { nullable: true })
  tier?: SubscriptionTier;
}

@ObjectType({ simpleResolvers: true })
export class RunMaintenancePayload extends Payload {
  @Field(() => Int, { nullable: true })
  processed?: number;
}

@ObjectType({ simpleResolvers: true })
export class AdvanceTestClockPayload extends Payload {
  @Field(() => Date, { nullable: true })
  now?: Date;
}
