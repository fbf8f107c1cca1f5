import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';

import type { Context } from '../../context';
import { Store } from '../../entities/tenancy/store.entity';
import { StoreApiKey } from '../../entities/tenancy/store-api-key.entity';
import { storeApiKeyService } from '../../services/tenancy/store-api-key.service';
import { RequireFeature } from '../common/require-feature';
import { payload } from '../common/user-error';
import {
  CreateApiKeyInput,
  CreateApiKeyPayload,
  RevokeApiKeyInput,
  RevokeApiKeyPayload,
} from './types/store-api-key.types';

@Resolver(() => StoreApiKey)
export class StoreApiKeyResolver {
  @FieldResolver(() => Store)
  async store(@Root() apiKey: StoreApiKey, @Ctx() ctx: Context): Promise<Store> {
    return (await ctx.loaders.byId(Store, { withDeleted: true }).load(apiKey.storeId))!;
  }

  @Authorized()
  @RequireFeature('api_access')
  @Mutation(() => CreateApiKeyPayload, {
    description:
      'A key that acts as a team member of the store; needs api_access (Business tier and up); owner or ADMIN',
  })
  createApiKey(@Arg('input', () => CreateApiKeyInput) input: CreateApiKeyInput, @Ctx() ctx: Context) {
    return payload(() => storeApiKeyService.create(ctx, input));
  }

  @Authorized()
  @Mutation(() => RevokeApiKeyPayload, { description: 'Revokes the key for good; owner or ADMIN' })
  revokeApiKey(@Arg('input', () => RevokeApiKeyInput) input: RevokeApiKeyInput, @Ctx() ctx: Context) {
    return payload(async () => ({ apiKey: await storeApiKeyService.revoke(ctx, input.id) }));
  }
}
