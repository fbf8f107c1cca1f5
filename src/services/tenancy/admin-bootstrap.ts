import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';

import type { Config } from '../../config';
import { withSystemTransaction } from '../../db/request-transaction';
import { Role } from '../../entities/tenancy/enums';
import { adminExists, lockAdminBootstrap } from '../../repositories/tenancy/admin.repository';
import { createUser, userWithEmailExists } from '../../repositories/tenancy/user.repository';
import { hashPassword } from '../auth/password';

/**
 * Creates the first ADMIN from ADMIN_EMAIL / ADMIN_PASSWORD when no live
 * ADMIN exists. An advisory lock makes concurrent boots of several replicas
 * create exactly one.
 */
export async function ensureAdmin(dataSource: DataSource, config: Config, log: Logger): Promise<void> {
  const admin = config.admin;
  await withSystemTransaction(dataSource, 'admin-bootstrap', async (em) => {
    await lockAdminBootstrap(em);
    if (await adminExists(em)) return;
    if (!admin) {
      log.warn('No ADMIN exists and ADMIN_EMAIL/ADMIN_PASSWORD are not set');
      return;
    }
    if (await userWithEmailExists(em, admin.email)) {
      log.error({ email: admin.email }, 'ADMIN_EMAIL belongs to a non-admin user; no ADMIN created');
      return;
    }
    await createUser(em, { email: admin.email, passwordHash: await hashPassword(admin.password), role: Role.ADMIN });
    log.info({ email: admin.email }, 'created the first ADMIN');
  });
}
