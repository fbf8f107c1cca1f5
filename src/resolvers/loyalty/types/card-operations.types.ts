import { IsOptional, Length, Matches, MaxLength, ValidateNested } from 'class-validator';
import { GraphQLNonNegativeInt, GraphQLPositiveInt } from 'graphql-scalars';
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';

import { LoyaltyCard } from '../../../entities/loyalty/loyalty-card.entity';
import { PointsReward } from '../../../entities/loyalty/loyalty-program.entity';
import { LoyaltyTransaction } from '../../../entities/loyalty/loyalty-transaction.entity';
import { Customer } from '../../../entities/tenancy/customer.entity';
import { Payload } from '../../common/user-error';
import { CustomerDetailsInput } from '../../tenancy/types/catalog.types';

@InputType('CardRef', { description: 'Exactly one of id, cardNumber or qrCodeData' })
export class CardRefInput {
  @Field(() => ID, { nullable: true })
  id?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(/^\d{4}-\d{4}-\d{4}$/, { message: 'cardNumber must look like XXXX-XXXX-XXXX' })
  cardNumber?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 50)
  qrCodeData?: string | null;
}

@InputType('CounterOperationInput', { description: 'What every counter operation takes' })
export class CounterOperationInput {
  @Field(() => CardRefInput)
  @ValidateNested()
  card!: CardRefInput;

  @Field(() => ID)
  storeId!: string;

  @Field(() => String, { nullable: true, description: "The staff member's 4–8 digit PIN" })
  @IsOptional()
  @Matches(/^\d{4,8}$/, { message: 'staffPin must be 4 to 8 digits' })
  staffPin?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Retries with the same key on the same card return the first result',
  })
  @IsOptional()
  @Length(1, 100)
  idempotencyKey?: string | null;
}

@InputType()
export class AddStampInput extends CounterOperationInput {}

@InputType()
export class RedeemStampRewardInput extends CounterOperationInput {}

@InputType()
export class EarnPointsInput extends CounterOperationInput {
  @Field(() => GraphQLNonNegativeInt)
  purchaseAmountCents!: number;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(100)
  orderReference?: string | null;
}

@InputType()
export class RedeemPointsRewardInput extends CounterOperationInput {
  @Field(() => String)
  @Length(1, 50)
  rewardId!: string;
}

@InputType()
export class VoidPointsInput extends CounterOperationInput {
  @Field(() => GraphQLPositiveInt, { nullable: true, description: 'Points to take back; or give transactionId' })
  points?: number | null;

  @Field(() => ID, { nullable: true, description: 'A POINTS_EARNED transaction to reverse (once)' })
  transactionId?: string | null;

  @Field(() => String)
  @Length(1, 500)
  reason!: string;
}

/** The customer's details of an enrolment; the public name predates the shared class. */
@InputType('EnrollCustomerDetails')
export class EnrollCustomerDetails extends CustomerDetailsInput {}

@InputType()
export class EnrollCustomerInput {
  @Field(() => ID)
  programId!: string;

  @Field(() => ID)
  storeId!: string;

  @Field(() => ID, {
    nullable: true,
    description: 'An existing customer of one of the merchant’s stores; or give customer',
  })
  customerId?: string | null;

  @Field(() => EnrollCustomerDetails, { nullable: true, description: 'Found or created at this store by email' })
  @IsOptional()
  @ValidateNested()
  customer?: EnrollCustomerDetails | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 100)
  idempotencyKey?: string | null;
}

@ObjectType({ simpleResolvers: true })
export class CardOperationPayload extends Payload {
  @Field(() => LoyaltyCard, { nullable: true })
  card?: LoyaltyCard;

  @Field(() => LoyaltyTransaction, { nullable: true })
  transaction?: LoyaltyTransaction;
}

@ObjectType({ simpleResolvers: true })
export class StampPayload extends CardOperationPayload {
  @Field(() => Boolean, { nullable: true })
  rewardAvailable?: boolean;

  @Field(() => Int, { nullable: true })
  stampsUntilReward?: number | null;
}

@ObjectType({ simpleResolvers: true })
export class EarnPointsPayload extends CardOperationPayload {
  @Field(() => Int, { nullable: true })
  pointsEarned?: number;
}

@ObjectType({ simpleResolvers: true })
export class RedeemPointsRewardPayload extends CardOperationPayload {
  @Field(() => PointsReward, { nullable: true })
  reward?: PointsReward | null;
}

@ObjectType({ simpleResolvers: true })
export class VoidPointsPayload extends CardOperationPayload {}

@ObjectType({ simpleResolvers: true })
export class EnrollCustomerPayload extends CardOperationPayload {
  @Field(() => Customer, { nullable: true })
  customer?: Customer;
}
