import { DomainError, isUniqueViolation, UserErrorCode } from '../../common/errors';
import type { Context } from '../../context';
import { Role, StoreRole } from '../../entities/tenancy/enums';
import type { StoreUser } from '../../entities/tenancy/store-user.entity';
import { User } from '../../entities/tenancy/user.entity';
import { createInvitation, isStoreTeamMember } from '../../repositories/tenancy/team.repository';
import { createUser, findUserByEmail } from '../../repositories/tenancy/user.repository';
import { hashInvitationToken, newInvitationToken } from '../auth/invitation-token';
import { clock } from '../clock';
import { assertFeature } from '../features/feature-gate';
import { subscriptionService } from '../subscriptions/subscription.service';
import { invitee, seesAccount } from './invitee';
import { findStore } from './scoped';

const INVITATION_DAYS = 7;

export interface InviteTeamMemberInput {
  storeId: string;
  email: string;
  name?: string | null;
  role: StoreRole;
}

const alreadyMember = () =>
  new DomainError(UserErrorCode.ALREADY_EXISTS, 'This person is already on the store team', ['email']);

/**
 * Store teams: invitations create a pending membership (and a user without a
 * password when the email is new); inviting a MANAGER needs `team_roles`.
 */
export const teamService = {
  /** The account behind a membership as the viewer may see it: the user, or only its invitee projection. */
  async account(ctx: Context, member: StoreUser): Promise<User> {
    const [user, viewer] = await Promise.all([
      ctx.loaders.byId(User, { withDeleted: true }).load(member.userId),
      ctx.viewer(),
    ]);
    return seesAccount(viewer, member) ? user! : invitee(member, user!.email);
  },

  async invite(ctx: Context, input: InviteTeamMemberInput): Promise<{ storeUser: StoreUser; invitationToken: string }> {
    const email = input.email.toLowerCase();
    const invitationToken = newInvitationToken();
    try {
      return await ctx.manager.transaction(async (em) => {
        const store = await findStore(ctx, em, input.storeId, {
          access: 'manage',
          field: ['storeId'],
          lock: true,
        });
        // Whoever holds the address (an ADMIN, another merchant's owner, nobody
        // yet) gets the same answer: the invitation shows only the e-mail typed
        // (see `invitee`); an ADMIN cannot accept it (authService.acceptInvitation).
        let user = await findUserByEmail(em, email);
        if (user && (await isStoreTeamMember(em, store.id, user.id))) {
          throw alreadyMember();
        }
        if (input.role === StoreRole.MANAGER) await assertFeature(ctx, em, store.id, 'team_roles');
        await subscriptionService.assertCanAdd(em, store.id, 'teamMembers');
        user ??= await createUser(em, { email, name: input.name ?? null, role: Role.STORE_STAFF });
        const now = clock.now();
        const storeUser = await createInvitation(em, {
          storeId: store.id,
          userId: user.id,
          role: input.role,
          invitedAt: now,
          invitationTokenHash: hashInvitationToken(invitationToken),
          invitationExpiresAt: new Date(now.getTime() + INVITATION_DAYS * 86_400_000),
        });
        return { storeUser, invitationToken };
      });
    } catch (error) {
      if (
        isUniqueViolation(error, 'uq_store_users_store_user_live') ||
        isUniqueViolation(error, 'uq_users_email_live')
      ) {
        throw alreadyMember();
      }
      throw error;
    }
  },
};
