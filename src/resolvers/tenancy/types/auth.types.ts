import { IsOptional, Length, MaxLength } from 'class-validator';
import { GraphQLEmailAddress } from 'graphql-scalars';
import { Field, InputType, ObjectType } from 'type-graphql';

import { User } from '../../../entities/tenancy/user.entity';
import { Payload } from '../../common/user-error';

@InputType()
export class LoginInput {
  @Field(() => GraphQLEmailAddress)
  email!: string;

  @Field(() => String)
  @MaxLength(200)
  password!: string;
}

@InputType()
export class AcceptInvitationInput {
  @Field(() => String)
  @Length(10, 200)
  token!: string;

  @Field(() => String)
  @Length(8, 200)
  password!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 200)
  name?: string | null;
}

@ObjectType({ simpleResolvers: true })
export class LoginPayload extends Payload {
  @Field(() => String, { nullable: true, description: 'Send as `Authorization: Bearer <token>`' })
  token?: string;

  @Field(() => User, { nullable: true })
  user?: User;
}

@ObjectType({ simpleResolvers: true })
export class AcceptInvitationPayload extends LoginPayload {}
