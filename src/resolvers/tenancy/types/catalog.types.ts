import { IsOptional, Length, Matches, MaxLength } from 'class-validator';
import { GraphQLEmailAddress, GraphQLNonNegativeInt } from 'graphql-scalars';
import { Field, ID, InputType, ObjectType } from 'type-graphql';

import { Customer } from '../../../entities/tenancy/customer.entity';
import { Order } from '../../../entities/tenancy/order.entity';
import { Product } from '../../../entities/tenancy/product.entity';
import { Payload } from '../../common/user-error';

@InputType({ description: 'Who a customer is: the email is unique among a store’s live customers' })
export class CustomerDetailsInput {
  @Field(() => GraphQLEmailAddress)
  email!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 200)
  name?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(/^\+?[0-9 ()-]{4,30}$/, { message: 'phone must be digits, spaces, +, -, ( or )' })
  phone?: string | null;
}

@InputType()
export class CreateCustomerInput extends CustomerDetailsInput {
  @Field(() => ID)
  storeId!: string;
}

@InputType()
export class CreateProductInput {
  @Field(() => ID)
  storeId!: string;

  @Field(() => String)
  @Length(1, 100)
  sku!: string;

  @Field(() => String)
  @Length(1, 255)
  name!: string;

  @Field(() => GraphQLNonNegativeInt)
  priceCents!: number;
}

@InputType()
export class CreateOrderInput {
  @Field(() => ID)
  storeId!: string;

  @Field(() => GraphQLNonNegativeInt)
  totalCents!: number;

  @Field(() => String, { nullable: true, description: 'ISO 4217; EUR when omitted' })
  @IsOptional()
  @Matches(/^[A-Za-z]{3}$/, { message: 'currency must be a 3-letter ISO 4217 code' })
  currency?: string | null;

  @Field(() => ID, { nullable: true })
  customerId?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(100)
  reference?: string | null;
}

@ObjectType({ simpleResolvers: true })
export class CustomerPayload extends Payload {
  @Field(() => Customer, { nullable: true })
  customer?: Customer;
}

@ObjectType({ simpleResolvers: true })
export class ProductPayload extends Payload {
  @Field(() => Product, { nullable: true })
  product?: Product;
}

@ObjectType({ simpleResolvers: true })
export class OrderPayload extends Payload {
  @Field(() => Order, { nullable: true })
  order?: Order;
}
