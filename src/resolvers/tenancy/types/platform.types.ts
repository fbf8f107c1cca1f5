import { IsOptional, Length, Matches } from 'class-validator';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, InputType, ObjectType } from 'type-graphql';

import { Platform } from '../../../entities/tenancy/platform.entity';
import { Payload } from '../../common/user-error';

@InputType()
export class UpdatePlatformInput {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 100)
  name?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 2000)
  description?: string | null;

  @Field(() => String, { nullable: true, description: 'Host name such as loyalty.example.lu; null clears it' })
  @IsOptional()
  @Matches(/^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/i, {
    message: 'domain must be a host name',
  })
  domain?: string | null;

  @Field(() => Boolean, { nullable: true })
  isActive?: boolean | null;

  @Field(() => GraphQLJSONObject, { nullable: true })
  settings?: Record<string, unknown> | null;
}

@ObjectType({ simpleResolvers: true })
export class PlatformPayload extends Payload {
  @Field(() => Platform, { nullable: true })
  platform?: Platform;
}
