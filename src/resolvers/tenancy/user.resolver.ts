import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';

import type { Context } from '../../context';
import { User } from '../../entities/tenancy/user.entity';
import { authService } from '../../services/auth/auth.service';
import { SoftDeletableResolver } from '../common/soft-deletable.resolver';
import { payload } from '../common/user-error';
import { AcceptInvitationInput, AcceptInvitationPayload, LoginInput, LoginPayload } from './types/auth.types';

@Resolver(() => User)
export class UserResolver extends SoftDeletableResolver(User) {
  @Authorized()
  @Query(() => User, { nullable: true, description: 'The signed-in user (null for an API key)' })
  async me(@Ctx() ctx: Context): Promise<User | null> {
    const viewer = await ctx.viewer();
    return viewer?.userId == null ? null : ctx.loaders.byId(User).load(viewer.userId);
  }

  @Mutation(() => LoginPayload)
  login(@Arg('input', () => LoginInput) input: LoginInput, @Ctx() ctx: Context): Promise<LoginPayload> {
    return payload(() => authService.login(ctx, input.email, input.password));
  }

  @Mutation(() => AcceptInvitationPayload)
  acceptInvitation(
    @Arg('input', () => AcceptInvitationInput) input: AcceptInvitationInput,
    @Ctx() ctx: Context,
  ): Promise<AcceptInvitationPayload> {
    return payload(() => authService.acceptInvitation(ctx, input));
  }
}
