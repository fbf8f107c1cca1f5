import type { Context } from '../../context';
import { DomainError, UserErrorCode, isUniqueViolation } from '../../common/errors';
import { StoreRole, Role } from '../../entities/tenancy/enums';
import { StoreUser } from '../../entities/tenancy/store-user.entity';
import { User } from '../../entities/tenancy/user.entity';
import { clock } from '../clock';
import { hashInvitationToken, newInvitationToken } from '../auth/auth.service';
import { findStoreInScope } from './scoped';
import { assertCanAdd } from '../subscriptions/subscription.service';
import { assertFeature } from '../features/feature-gate';

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
  async invite(ctx: Context, input: InviteTeamMemberInput): Promise<{ storeUser: StoreUser; invitationToken: string }> {
    const email = input.email.toLowerCase();
    const invitationToken = newInvitationToken();
    try {
      return await ctx.dataSource.transaction(async (em) => {
        const store = await findStoreInScope(ctx, em, input.storeId, {
          access: 'manage',
          field: ['storeId'],
          lock: true,
        });
        let user = await em.findOne(User, { where: { email } });
        if (user?.role === Role.ADMIN) {
          throw new DomainError(UserErrorCode.INVALID_STATE, 'An administrator cannot join a store team', ['email']);
        }
        if (user && (await em.exists(StoreUser, { where: { storeId: store.id, userId: user.id } }))) {
          throw alreadyMember();
        }
        if (input.role === StoreRole.MANAGER) await assertFeature(em, store.id, 'team_roles');
        await assertCanAdd(em, store.id, 'teamMembers');
        user ??= await em.save(em.create(User, { email, name: input.name ?? null, role: Role.STORE_STAFF }));
        const now = clock.now();
        const storeUser = await em.save(
          em.create(StoreUser, {
            storeId: store.id,
            userId: user.id,
            role: input.role,
            invitedAt: now,
            invitationTokenHash: hashInvitationToken(invitationToken),
            invitationExpiresAt: new Date(now.getTime() + INVITATION_DAYS * 86_400_000),
          }),
        );
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
