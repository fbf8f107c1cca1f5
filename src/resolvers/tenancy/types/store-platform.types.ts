import { IsOptional, Matches, MaxLength } from 'class-validator';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, InputType, ObjectType } from 'type-graphql';

import { StorePlatform } from '../../../entities/tenancy/store-platform.entity';
import { Payload } from '../../common/user-error';
import { SUBDOMAIN_MESSAGE, SUBDOMAIN_PATTERN } from './store.types';

@InputType()
export class AddStoreToPlatformInput {
  @Field(() => ID)
  storeId!: string;

  @Field(() => String)
  @MaxLength(50)
  platformCode!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Tier of the TRIAL the membership starts with; essential by default',
  })
  @IsOptional()
  @MaxLength(30)
  tierCode?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(SUBDOMAIN_PATTERN, { message: SUBDOMAIN_MESSAGE })
  customSubdomain?: string | null;

  @Field(() => GraphQLJSONObject, { nullable: true })
  settings?: Record<string, unknown> | null;

  @Field(() => Boolean, { nullable: true, description: "Defaults to true for a store's first membership" })
  isPrimary?: boolean | null;
}

@InputType()
export class UpdateStorePlatformInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Boolean, { nullable: true })
  isActive?: boolean | null;

  @Field(() => String, { nullable: true, description: 'null clears it' })
  @IsOptional()
  @Matches(SUBDOMAIN_PATTERN, { message: SUBDOMAIN_MESSAGE })
  customSubdomain?: string | null;

  @Field(() => GraphQLJSONObject, { nullable: true })
  settings?: Record<string, unknown> | null;
}

@InputType()
export class SetPrimaryPlatformInput {
  @Field(() => ID)
  storePlatformId!: string;
}

@ObjectType({ simpleResolvers: true })
export class StorePlatformPayload extends Payload {
  @Field(() => StorePlatform, { nullable: true })
  storePlatform?: StorePlatform;
}

@ObjectType({ simpleResolvers: true })
export class RemoveStoreFromPlatformPayload extends Payload {
  @Field(() => ID, { nullable: true })
  deletedId?: string;
}
