import type { Context } from '../../context';
import { policy } from '../../policy/policy';
import { DomainError, UserErrorCode, isUniqueViolation } from '../../common/errors';
import { StoreRole, Role } from '../../entities/tenancy/enums';
import type { StoreUser } from '../../entities/tenancy/store-user.entity';
import { User } from '../../entities/tenancy/user.entity';
import { createInvitation, isStoreTeamMember } from '../../repositories/tenancy/team.repository';
import { createUser, findUserByEmail } from '../../repositories/tenancy/user.repository';
import { clock } from '../clock';
import { hashInvitationToken, newInvitationToken } from '../auth/auth.service';
import { findStore } from './scoped';
import { assertCanAdd } from '../subscriptions/subscription.service';
import { assertFeature } from '../features/feature-gate';
import type { Viewer } from './viewer';

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
 * What a pending invitation shows of its invitee to anyone but ADMIN and the
 * invitee: the e-mail the inviter typed, nothing of an account that may
 * already hold it (id, name, role, last sign-in, age), so every address gets
 * the same answer. Its id is the invitation's own, `Invitee:<membership>`,
 * which `node` resolves to this same projection.
 */
export class Invitee extends User {}

export function invitee(member: StoreUser, email: string): User {
  return Object.assign(new Invitee(), {
    id: member.id,
    email,
    username: null,
    name: null,
    role: Role.STORE_STAFF,
    isActive: true,
    lastLoginAt: null,
    createdAt: member.invitedAt,
    updatedAt: member.invitedAt,
    deletedAt: null,
    deletedById: null,
  });
}

/** Whether `viewer` sees the account behind a membership, or only its invitee projection. */
export function seesAccount(viewer: Viewer | null, member: StoreUser): boolean {
  return member.acceptedAt !== null || policy.seesUser(viewer, member.userId);
}

/**
 * Store teams: invitations create a pending membership (and a user without a
 * password when the email is new); inviting a MANAGER needs `team_roles`.
 */
export const teamService = {
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
        await assertCanAdd(em, store.id, 'teamMembers');
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
