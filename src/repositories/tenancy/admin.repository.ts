import type { EntityManager } from 'typeorm';

import { Role } from '../../entities/tenancy/enums';
import { User } from '../../entities/tenancy/user.entity';

/**
 * The statements of the first ADMIN's creation at boot. A transaction-scoped
 * advisory lock makes the check and the insert one step across replicas that
 * boot together; the insert itself is `createUser` (user.repository).
 */
export async function lockAdminBootstrap(em: EntityManager): Promise<void> {
  await em.query(`SELECT pg_advisory_xact_lock(hashtext('orion:ensure-admin'))`);
}

/** Whether a live ADMIN exists. */
export function adminExists(em: EntityManager): Promise<boolean> {
  return em.exists(User, { where: { role: Role.ADMIN } });
}
