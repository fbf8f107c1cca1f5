import type { EntityManager } from 'typeorm';
import { Role } from '../../entities/tenancy/enums';
import { User } from '../../entities/tenancy/user.entity';

/**
 * The statements of the first ADMIN's creation at boot. A transaction-scoped
 * advisory lock makes the check and the insert one step across replicas that
 * boot together.
 */
export async function lockAdminBootstrap(em: EntityManager): Promise<void> {
  await em.query(`SELECT pg_advisory_xact_lock(hashtext('orion:ensure-admin'))`);
}

export function adminExists(em: EntityManager): Promise<boolean> {
  return em.exists(User, { where: { role: Role.ADMIN } });
}

export function userWithEmailExists(em: EntityManager, email: string): Promise<boolean> {
  return em.exists(User, { where: { email } });
}

export async function createAdmin(em: EntityManager, email: string, passwordHash: string): Promise<void> {
  await em.save(em.create(User, { email, passwordHash, role: Role.ADMIN }));
}
