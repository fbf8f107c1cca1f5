import { AccessDeniedError, DomainError, isUniqueViolation, UserErrorCode } from '../../common/errors';
import { toGlobalId } from '../../common/global-id';
import type { Listing, ListRequest } from '../../common/pagination';
import type { Context } from '../../context';
import { Role } from '../../entities/tenancy/enums';
import { Merchant } from '../../entities/tenancy/merchant.entity';
import type { User } from '../../entities/tenancy/user.entity';
import { deletedRowsFor, policy } from '../../policy/policy';
import { listPage } from '../../repositories/listing.repository';
import { createMerchant, reloadMerchant } from '../../repositories/tenancy/merchant.repository';
import { createUser, userWithEmailExists } from '../../repositories/tenancy/user.repository';
import { hashPassword } from '../auth/password';
import { findMerchant, viewerOf } from './scoped';
import { restoreWithCascade, softDeleteWithCascade } from './soft-delete';

export interface CreateMerchantInput {
  name: string;
  contactEmail: string;
  owner: { email: string; password: string; name?: string | null };
}

const ownerEmailTaken = () =>
  new DomainError(UserErrorCode.ALREADY_EXISTS, 'A user with this email already exists', ['owner', 'email']);

/** Merchants: ADMIN creates, lists, deletes and restores them; owners and their team read their own. */
export const merchantService = {
  /** How to reach the merchant: its team's (a storefront shows the merchant itself to anyone). */
  async contactEmail(ctx: Context, merchant: Merchant): Promise<string> {
    if (!policy.onMerchantTeam(await ctx.viewer(), merchant.id)) throw new AccessDeniedError('Not your merchant');
    return merchant.contactEmail;
  },

  async list(ctx: Context, args: ListRequest): Promise<Listing<Merchant>> {
    const viewer = await viewerOf(ctx);
    if (!viewer.isAdmin) throw new AccessDeniedError('Only ADMIN may list merchants');
    return listPage(ctx.manager, Merchant, [], {
      first: args.first,
      after: args.after,
      deleted: deletedRowsFor(viewer, args),
    });
  },

  async get(ctx: Context, id: number): Promise<Merchant | null> {
    return ctx.loaders.byId(Merchant).load(id);
  },

  async create(ctx: Context, input: CreateMerchantInput): Promise<{ merchant: Merchant; owner: User }> {
    const passwordHash = await hashPassword(input.owner.password);
    const email = input.owner.email.toLowerCase();
    try {
      return await ctx.manager.transaction(async (em) => {
        if (await userWithEmailExists(em, email)) throw ownerEmailTaken();
        const owner = await createUser(em, {
          email,
          passwordHash,
          name: input.owner.name ?? null,
          role: Role.MERCHANT_OWNER,
        });
        const merchant = await createMerchant(em, {
          name: input.name,
          contactEmail: input.contactEmail.toLowerCase(),
          ownerUserId: owner.id,
        });
        return { merchant, owner };
      });
    } catch (error) {
      if (isUniqueViolation(error, 'uq_users_email_live')) throw ownerEmailTaken();
      throw error;
    }
  },

  async delete(ctx: Context, globalId: string): Promise<{ deletedId: string; cascadedIds: string[] }> {
    const viewer = await viewerOf(ctx);
    if (!viewer.isAdmin) throw new AccessDeniedError('Only ADMIN may delete merchants');
    return ctx.manager.transaction(async (em) => {
      const merchant = await findMerchant(ctx, em, globalId, { access: 'manage', field: ['id'] });
      const cascadedIds = await softDeleteWithCascade(em, merchant);
      return { deletedId: toGlobalId('Merchant', merchant.id), cascadedIds };
    });
  },

  async restore(ctx: Context, globalId: string): Promise<{ merchant: Merchant; restoredIds: string[] }> {
    return ctx.manager.transaction(async (em) => {
      const merchant = await findMerchant(ctx, em, globalId, {
        access: 'manage',
        field: ['id'],
        withDeleted: true,
      });
      if (!merchant.deletedAt) throw new DomainError(UserErrorCode.INVALID_STATE, 'Merchant is not deleted', ['id']);
      try {
        const restoredIds = await restoreWithCascade(em, merchant);
        return { merchant: await reloadMerchant(em, merchant.id), restoredIds };
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new DomainError(
            UserErrorCode.ALREADY_EXISTS,
            'A live store now uses a store code or subdomain of this merchant',
            ['id'],
          );
        }
        throw error;
      }
    });
  },
};
