import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import type { Config } from '../../config';
import { withSystemTransaction } from '../../db/request-transaction';
import { Role } from '../../entities/tenancy/enums';
import { User } from '../../entities/tenancy/user.entity';
import { hashPassword } from '../auth/password';

/**
 * Creates the first ADMIN from ADMIN_EMAIL / ADMIN_PASSWORD when no live
 * ADMIN exists. An advisory lock makes concurrent boots of several replicas
 * create exactly one.
 */
export async function ensureAdmin(dataSource: DataSource, config: Config, log: Logger): Promise<void> {
  const admin = config.admin;
  await withSystemTransaction(dataSource, 'admin-bootstrap', async (em) => {
    await em.query(`SELECT pg_advisory_xact_lock(hashtext('orion:ensure-admin'))`);
    if (await em.exists(User, { where: { role: Role.ADMIN } })) return;
    if (!admin) {
      log.warn('No ADMIN exists and ADMIN_EMAIL/ADMIN_PASSWORD are not set');
      return;
    }
    if (await em.exists(User, { where: { email: admin.email } })) {
      log.error({ email: admin.email }, 'ADMIN_EMAIL belongs to a non-admin user; no ADMIN created');
      return;
    }
    await em.save(
      em.create(User, { email: admin.email, passwordHash: await hashPassword(admin.password), role: Role.ADMIN }),
    );
    log.info({ email: admin.email }, 'created the first ADMIN');
  });
}
