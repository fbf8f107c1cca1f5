import { Length } from 'class-validator';
import { Field, ID, InputType, ObjectType } from 'type-graphql';

import { StoreApiKey } from '../../../entities/tenancy/store-api-key.entity';
import { Payload } from '../../common/user-error';

@InputType()
export class CreateApiKeyInput {
  @Field(() => ID)
  storeId!: string;

  @Field(() => String, { description: 'What the key is for, e.g. the integration that uses it' })
  @Length(1, 100)
  name!: string;
}

@InputType()
export class RevokeApiKeyInput {
  @Field(() => ID)
  id!: string;
}

@ObjectType({ simpleResolvers: true })
export class CreateApiKeyPayload extends Payload {
  @Field(() => StoreApiKey, { nullable: true })
  apiKey?: StoreApiKey;

  @Field(() => String, {
    nullable: true,
    description: 'The key itself, shown this once: send it as `Authorization: Bearer <secret>`',
  })
  secret?: string;
}

@ObjectType({ simpleResolvers: true })
export class RevokeApiKeyPayload extends Payload {
  @Field(() => StoreApiKey, { nullable: true })
  apiKey?: StoreApiKey;
}
