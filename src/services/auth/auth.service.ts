import { createHash, randomBytes } from 'node:crypto';
import { IsNull, MoreThan } from 'typeorm';
import type { Context } from '../../context';
import { DomainError, UserErrorCode } from '../../common/errors';
import { StoreUser } from '../../entities/tenancy/store-user.entity';
import { User } from '../../entities/tenancy/user.entity';
import { clock } from '../clock';
import { hashPassword, verifyPassword } from './password';
import { signToken } from './token';

export const hashInvitationToken = (token: string): string => createHash('sha256').update(token).digest('hex');
export const newInvitationToken = (): string => randomBytes(32).toString('base64url');

const invalidCredentials = () =>
  new DomainError(UserErrorCode.INVALID_CREDENTIALS, 'Email or password is wrong', ['password']);

/** Sign-in and invitation acceptance; both answer with a bearer token. */
export const authService = {
  async login(ctx: Context, email: string, password: string): Promise<{ token: string; user: User }> {
    const user = await ctx.manager
      .createQueryBuilder(User, 'user')
      .addSelect('user.passwordHash')
      .where('user.email = :email', { email: email.toLowerCase() })
      .getOne();
    const ok = await verifyPassword(password, user?.passwordHash ?? null);
    if (!user || !ok || !user.isActive) throw invalidCredentials();
    await ctx.manager.update(User, { id: user.id }, { lastLoginAt: clock.now() });
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
    const user = await ctx.dataSource.transaction(async (em) => {
      const membership = await em.findOne(StoreUser, {
        where: {
          invitationTokenHash: hashInvitationToken(input.token),
          acceptedAt: IsNull(),
          invitationExpiresAt: MoreThan(clock.now()),
        },
        lock: { mode: 'pessimistic_write' },
      });
      if (!membership) {
        throw new DomainError(UserErrorCode.NOT_FOUND, 'Invitation not found, used or expired', ['token']);
      }
      const user = await em
        .createQueryBuilder(User, 'user')
        .addSelect('user.passwordHash')
        .where('user.id = :id', { id: membership.userId })
        .setLock('pessimistic_write')
        .getOne();
      if (!user) throw new DomainError(UserErrorCode.NOT_FOUND, 'Invitation not found, used or expired', ['token']);
      if (user.passwordHash) {
        if (!(await verifyPassword(input.password, user.passwordHash))) throw invalidCredentials();
      } else {
        user.passwordHash = await hashPassword(input.password);
      }
      if (input.name) user.name = input.name;
      user.isActive = true;
      await em.save(user);
      await em.update(StoreUser, { id: membership.id }, { acceptedAt: clock.now(), invitationTokenHash: null });
      return user;
    });
    return { token: await signToken(ctx.config, user.id), user };
  },
};
