import { IsOptional, Length, Matches, MaxLength } from 'class-validator';
import { ArgsType, Field, ID, InputType, ObjectType } from 'type-graphql';

import { Customer } from '../../../entities/tenancy/customer.entity';
import { Order } from '../../../entities/tenancy/order.entity';
import { Product } from '../../../entities/tenancy/product.entity';
import { Store } from '../../../entities/tenancy/store.entity';
import { ConnectionArgs, ConnectionType } from '../../common/connection';
import { Payload } from '../../common/user-error';

export const SUBDOMAIN_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;
const SUBDOMAIN_MESSAGE = 'subdomain must be letters, digits and inner hyphens (at most 63)';

@ArgsType()
export class ListArgs extends ConnectionArgs {
  @Field(() => Boolean, { nullable: true, description: 'ADMIN only: deleted rows too' })
  includeDeleted?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'ADMIN only: deleted rows alone' })
  onlyDeleted?: boolean | null;
}

@ArgsType()
export class StoresArgs extends ListArgs {
  @Field(() => ID, { nullable: true })
  merchantId?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(50)
  platformCode?: string | null;
}

@InputType()
export class CreateStoreInput {
  @Field(() => ID)
  merchantId!: string;

  @Field(() => String)
  @Length(1, 200)
  name!: string;

  @Field(() => String, { description: 'Unique among live stores; stored upper-case' })
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_-]{1,49}$/, { message: 'storeCode must be 2-50 letters, digits, _ or -' })
  storeCode!: string;

  @Field(() => String, { description: 'Unique among live stores; stored lower-case' })
  @Matches(SUBDOMAIN_PATTERN, { message: SUBDOMAIN_MESSAGE })
  subdomain!: string;
}

@InputType()
export class UpdateStoreInput {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 200)
  name?: string | null;

  @Field(() => Boolean, { nullable: true })
  isActive?: boolean | null;
}

@ObjectType({ simpleResolvers: true })
export class StorePayload extends Payload {
  @Field(() => Store, { nullable: true })
  store?: Store;
}

@ObjectType({ simpleResolvers: true })
export class RestoreStorePayload extends StorePayload {
  @Field(() => [ID], { nullable: true, description: 'The rows restored with it' })
  restoredIds?: string[];
}

export const StoreConnection = ConnectionType(Store);
export const CustomerConnection = ConnectionType(Customer);
export const ProductConnection = ConnectionType(Product);
export const OrderConnection = ConnectionType(Order);

export { SUBDOMAIN_MESSAGE };
