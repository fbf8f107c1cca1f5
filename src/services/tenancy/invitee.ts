import { Role } from '../../entities/tenancy/enums';
import type { StoreUser } from '../../entities/tenancy/store-user.entity';
import { User } from '../../entities/tenancy/user.entity';
import { policy } from '../../policy/policy';
import type { Viewer } from './viewer';

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
