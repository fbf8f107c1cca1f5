import { IsOptional, Length } from 'class-validator';
import { GraphQLEmailAddress } from 'graphql-scalars';
import { Field, ID, InputType, ObjectType } from 'type-graphql';

import { StoreRole } from '../../../entities/tenancy/enums';
import { StoreUser } from '../../../entities/tenancy/store-user.entity';
import { Payload } from '../../common/user-error';

@InputType()
export class InviteTeamMemberInput {
  @Field(() => ID)
  storeId!: string;

  @Field(() => GraphQLEmailAddress)
  email!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 200)
  name?: string | null;

  @Field(() => StoreRole)
  role!: StoreRole;
}

@ObjectType({ simpleResolvers: true })
export class InviteTeamMemberPayload extends Payload {
  @Field(() => StoreUser, { nullable: true })
  storeUser?: StoreUser;

  @Field(() => String, { nullable: true, description: 'Shown once: give it to the invitee for acceptInvitation' })
  invitationToken?: string;
}
