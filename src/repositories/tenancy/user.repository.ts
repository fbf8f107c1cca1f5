import type { EntityManager } from 'typeorm';

import { User } from '../../entities/tenancy/user.entity';

/**
 * The statements on users: looking one up by e-mail or id (with the password
 * hash, which is never selected otherwise), creating one and writing its
 * changes. Which role a new user gets, and when, is the services' rule.
 */

/** Whether a live user holds this (lower-cased) e-mail. */
export function userWithEmailExists(em: EntityManager, email: string): Promise<boolean> {
  return em.exists(User, { where: { email } });
}

/** The live user holding this (lower-cased) e-mail, without its password hash. */
export function findUserByEmail(em: EntityManager, email: string): Promise<User | null> {
  return em.findOne(User, { where: { email } });
}

/** The live user holding this (lower-cased) e-mail, with its password hash: what a sign-in checks. */
export function findUserWithPasswordByEmail(em: EntityManager, email: string): Promise<User | null> {
  return em
    .createQueryBuilder(User, 'user')
    .addSelect('user.passwordHash')
    .where('user.email = :email', { email })
    .getOne();
}

/** The live user with this id and its password hash, row-locked: an invitation's acceptance. */
export function lockUserWithPassword(em: EntityManager, id: number): Promise<User | null> {
  return em
    .createQueryBuilder(User, 'user')
    .addSelect('user.passwordHash')
    .where('user.id = :id', { id })
    .setLock('pessimistic_write')
    .getOne();
}

/** Inserts a user with these fields (the columns left out take their defaults); returns it saved. */
export function createUser(
  em: EntityManager,
  fields: Pick<User, 'email' | 'role'> & Partial<Pick<User, 'name' | 'passwordHash'>>,
): Promise<User> {
  return em.save(em.create(User, fields));
}

/** Writes the changed columns of a loaded user. */
export function saveUser(em: EntityManager, user: User): Promise<User> {
  return em.save(user);
}

/** Stamps the user's last sign-in. */
export async function stampLastLogin(em: EntityManager, userId: number, at: Date): Promise<void> {
  await em.update(User, { id: userId }, { lastLoginAt: at });
}
