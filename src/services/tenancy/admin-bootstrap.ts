import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import type { Config } from '../../config';
import { withSystemTransaction } from '../../db/request-transaction';
import {
  adminExists,
  createAdmin,
  lockAdminBootstrap,
  userWithEmailExists,
} from '../../repositories/tenancy/admin.repository';
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
    await createAdmin(em, admin.email, await hashPassword(admin.password));
    log.info({ email: admin.email }, 'created the first ADMIN');
  });
}
