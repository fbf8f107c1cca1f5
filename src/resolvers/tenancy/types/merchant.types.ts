import { IsOptional, Length, ValidateNested } from 'class-validator';
import { GraphQLEmailAddress } from 'graphql-scalars';
import { Field, ID, InputType, ObjectType } from 'type-graphql';

import { Merchant } from '../../../entities/tenancy/merchant.entity';
import { User } from '../../../entities/tenancy/user.entity';
import { ConnectionType } from '../../common/connection';
import { Payload } from '../../common/user-error';

@InputType()
export class MerchantOwnerInput {
  @Field(() => GraphQLEmailAddress)
  email!: string;

  @Field(() => String)
  @Length(8, 200)
  password!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 200)
  name?: string | null;
}

@InputType()
export class CreateMerchantInput {
  @Field(() => String)
  @Length(1, 200)
  name!: string;

  @Field(() => GraphQLEmailAddress)
  contactEmail!: string;

  @Field(() => MerchantOwnerInput)
  @ValidateNested()
  owner!: MerchantOwnerInput;
}

@InputType()
export class IdInput {
  @Field(() => ID)
  id!: string;
}

@ObjectType({ simpleResolvers: true })
export class CreateMerchantPayload extends Payload {
  @Field(() => Merchant, { nullable: true })
  merchant?: Merchant;

  @Field(() => User, { nullable: true })
  owner?: User;
}

@ObjectType({ simpleResolvers: true, description: 'What a delete soft-deleted: the row itself and the rows it owned' })
export class DeletePayload extends Payload {
  @Field(() => ID, { nullable: true })
  deletedId?: string;

  @Field(() => [ID], { nullable: true })
  cascadedIds?: string[];
}

@ObjectType({ simpleResolvers: true })
export class RestoreMerchantPayload extends Payload {
  @Field(() => Merchant, { nullable: true })
  merchant?: Merchant;

  @Field(() => [ID], { nullable: true, description: 'The rows restored with it' })
  restoredIds?: string[];
}

export const MerchantConnection = ConnectionType(Merchant);
