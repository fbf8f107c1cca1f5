import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';

import type { Context } from '../../context';
import { Store } from '../../entities/tenancy/store.entity';
import { StoreUser } from '../../entities/tenancy/store-user.entity';
import { User } from '../../entities/tenancy/user.entity';
import { teamService } from '../../services/tenancy/team.service';
import { SoftDeletableResolver } from '../common/soft-deletable.resolver';
import { payload } from '../common/user-error';
import { InviteTeamMemberInput, InviteTeamMemberPayload } from './types/team.types';

@Resolver(() => StoreUser)
export class StoreUserResolver extends SoftDeletableResolver(StoreUser) {
  @FieldResolver(() => User, {
    description:
      'While the invitation is pending, only the e-mail it was sent to (ADMIN and the invitee see the account)',
  })
  user(@Root() member: StoreUser, @Ctx() ctx: Context): Promise<User> {
    return teamService.account(ctx, member);
  }

  @FieldResolver(() => Store)
  async store(@Root() member: StoreUser, @Ctx() ctx: Context): Promise<Store> {
    return (await ctx.loaders.byId(Store, { withDeleted: true }).load(member.storeId))!;
  }

  @Authorized()
  @Mutation(() => InviteTeamMemberPayload, { description: 'A pending membership and a one-time invitation token' })
  inviteTeamMember(@Arg('input', () => InviteTeamMemberInput) input: InviteTeamMemberInput, @Ctx() ctx: Context) {
    return payload(() => teamService.invite(ctx, input));
  }
}
