import { IsOptional, Length, Matches, MaxLength } from 'class-validator';
import { GraphQLNonNegativeInt, GraphQLPositiveInt } from 'graphql-scalars';
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';

import { AddOnProduct } from '../../../entities/subscriptions/add-on-product.entity';
import { AddOnCategory, BillingPeriod } from '../../../entities/subscriptions/enums';
import { StoreAddOn } from '../../../entities/subscriptions/store-add-on.entity';
import { Payload } from '../../common/user-error';

const CODE = /^[a-z0-9][a-z0-9_-]*$/;
const CODE_MESSAGE = 'code must be lowercase letters, digits, _ or -';
/** A fully qualified host name: dot-separated labels of up to 63 characters, ending in a top-level domain. */
const HOST_NAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

@InputType()
export class CreateAddOnProductInput {
  @Field(() => String, { description: 'Unique, e.g. domain_lu' })
  @Length(1, 50)
  @Matches(CODE, { message: CODE_MESSAGE })
  code!: string;

  @Field(() => String)
  @Length(1, 100)
  name!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(2000)
  description?: string | null;

  @Field(() => AddOnCategory)
  category!: AddOnCategory;

  @Field(() => GraphQLNonNegativeInt)
  priceCents!: number;

  @Field(() => BillingPeriod, { nullable: true, description: 'MONTHLY when omitted' })
  billingPeriod?: BillingPeriod | null;

  @Field(() => String, { nullable: true, description: 'What quantityValue counts, e.g. mailboxes or GB' })
  @IsOptional()
  @Length(1, 50)
  quantityUnit?: string | null;

  @Field(() => GraphQLPositiveInt, { nullable: true })
  quantityValue?: number | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 100)
  stripeProductId?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 100)
  stripePriceId?: string | null;

  @Field(() => Int, { nullable: true, description: '0 when omitted; lower comes first' })
  displayOrder?: number | null;

  @Field(() => Boolean, { nullable: true, description: 'true when omitted' })
  isActive?: boolean | null;
}

@InputType({ description: 'Only the given fields change; null clears an optional field' })
export class UpdateAddOnProductInput {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 50)
  @Matches(CODE, { message: CODE_MESSAGE })
  code?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 100)
  name?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(2000)
  description?: string | null;

  @Field(() => AddOnCategory, { nullable: true })
  category?: AddOnCategory | null;

  @Field(() => GraphQLNonNegativeInt, { nullable: true })
  priceCents?: number | null;

  @Field(() => BillingPeriod, { nullable: true })
  billingPeriod?: BillingPeriod | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 50)
  quantityUnit?: string | null;

  @Field(() => GraphQLPositiveInt, { nullable: true })
  quantityValue?: number | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 100)
  stripeProductId?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 100)
  stripePriceId?: string | null;

  @Field(() => Int, { nullable: true })
  displayOrder?: number | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'false withdraws the product from sale (products are never deleted)',
  })
  isActive?: boolean | null;
}

@InputType()
export class PurchaseAddOnInput {
  @Field(() => ID)
  storeId!: string;

  @Field(() => ID)
  addOnProductId!: string;

  @Field(() => GraphQLPositiveInt, { nullable: true, defaultValue: 1 })
  quantity?: number | null;

  @Field(() => String, {
    nullable: true,
    description: 'Required for DOMAIN add-ons (e.g. myshop.lu), refused for others',
  })
  @IsOptional()
  @Matches(HOST_NAME, { message: 'domainName must be a host name such as myshop.lu' })
  domainName?: string | null;
}

@InputType()
export class CancelAddOnInput {
  @Field(() => ID, { description: 'The StoreAddOn' })
  id!: string;
}

@ObjectType({ simpleResolvers: true })
export class AddOnProductPayload extends Payload {
  @Field(() => AddOnProduct, { nullable: true })
  addOnProduct?: AddOnProduct;
}

@ObjectType({ simpleResolvers: true })
export class StoreAddOnPayload extends Payload {
  @Field(() => StoreAddOn, { nullable: true })
  storeAddOn?: StoreAddOn;
}
