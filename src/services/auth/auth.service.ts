import { DomainError, UserErrorCode } from '../../common/errors';
import type { Context } from '../../context';
import { asSystem } from '../../db/request-transaction';
import { Role } from '../../entities/tenancy/enums';
import type { User } from '../../entities/tenancy/user.entity';
import type { LoginRefusal } from '../../limits/login-attempts';
import { lockPendingInvitation, markInvitationAccepted } from '../../repositories/tenancy/team.repository';
import {
  findUserWithPasswordByEmail,
  lockUserWithPassword,
  saveUser,
  stampLastLogin,
} from '../../repositories/tenancy/user.repository';
import { clock } from '../clock';
import { hashInvitationToken } from './invitation-token';
import { hashPassword, verifyPassword } from './password';
import { signToken } from './token';

const invalidCredentials = () =>
  new DomainError(UserErrorCode.INVALID_CREDENTIALS, 'Email or password is wrong', ['password']);

const tooManyAttempts = ({ scope, retryAfterSeconds }: LoginRefusal) => {
  const minutes = Math.ceil(retryAfterSeconds / 60);
  const wait = `try again in ${minutes} minute${minutes === 1 ? '' : 's'}`;
  return scope === 'email'
    ? new DomainError(UserErrorCode.TOO_MANY_ATTEMPTS, `Too many failed sign-ins for this email: ${wait}`, ['email'])
    : new DomainError(UserErrorCode.TOO_MANY_ATTEMPTS, `Too many failed sign-ins from your network: ${wait}`);
};

/** Sign-in and invitation acceptance; both answer with a bearer token. */
export const authService = {
  /**
   * Signs a user in. Every attempt is counted before its password is checked
   * (LOGIN_ATTEMPT_RULES: 10 failures for one email in 15 minutes, or 50
   * from one client address, refuse further attempts for 15 minutes) and a
   * refused one answers TOO_MANY_ATTEMPTS, the right password included,
   * without checking it. Unknown emails count like known ones, so the refusal tells nothing.
   */
  async login(ctx: Context, email: string, password: string): Promise<{ token: string; user: User }> {
    const attempt = await ctx.limits.loginAttempts.begin(email, ctx.clientAddress);
    if (attempt.refused) throw tooManyAttempts(attempt.refused);
    const user = await findUserWithPasswordByEmail(ctx.manager, email.toLowerCase());
    const ok = await verifyPassword(password, user?.passwordHash ?? null);
    if (!user || !ok || !user.isActive) {
      await attempt.failed();
      throw invalidCredentials();
    }
    await attempt.succeeded();
    await stampLastLogin(ctx.manager, user.id, clock.now());
    return { token: await signToken(ctx.config, user.id), user };
  },

  /**
   * Accepts a pending invitation: a new user sets their password; a user who
   * already has one proves it. The token works once.
   */
  async acceptInvitation(
    ctx: Context,
    input: { token: string; password: string; name?: string | null },
  ): Promise<{ token: string; user: User }> {
    const user = await ctx.manager.transaction((em) =>
      // Nobody is known yet: the token alone finds its invitation, whichever merchant it belongs to.
      asSystem(em, 'accept-invitation', async () => {
        const membership = await lockPendingInvitation(em, hashInvitationToken(input.token), clock.now());
        if (!membership) {
          throw new DomainError(UserErrorCode.NOT_FOUND, 'Invitation not found, used or expired', ['token']);
        }
        const user = await lockUserWithPassword(em, membership.userId);
        if (!user) throw new DomainError(UserErrorCode.NOT_FOUND, 'Invitation not found, used or expired', ['token']);
        if (user.passwordHash) {
          if (!(await verifyPassword(input.password, user.passwordHash))) throw invalidCredentials();
        } else {
          user.passwordHash = await hashPassword(input.password);
        }
        // Inviting an ADMIN's address looked like any other invitation; only the
        // ADMIN, having proved the password, learns that it cannot be accepted.
        if (user.role === Role.ADMIN) {
          throw new DomainError(UserErrorCode.INVALID_STATE, 'An administrator cannot join a store team', ['token']);
        }
        if (input.name) user.name = input.name;
        user.isActive = true;
        await saveUser(em, user);
        await markInvitationAccepted(em, membership.id, clock.now());
        return user;
      }),
    );
    return { token: await signToken(ctx.config, user.id), user };
  },
};
