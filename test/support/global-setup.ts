import 'reflect-metadata';

import pino from 'pino';

import { loadConfig } from '../../src/config';
import { createDataSource } from '../../src/db/data-source';
import { startEmbeddedPostgres } from '../../src/dev/embedded-postgres';
import { ensureAdmin } from '../../src/services/tenancy/admin-bootstrap';
import { onServer, TEST_DB_ENV } from './database';

/**
 * One migrated database per run: a fresh database on TEST_DATABASE_URL's
 * (or DATABASE_URL's) server, else on an embedded PostgreSQL; the same
 * migrations as production, then the first ADMIN. Tests make their own tenants.
 */
export default async function globalSetup(): Promise<void> {
  const log = pino({ level: 'warn' });
  const base = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  let serverUrl: string;
  if (base) {
    serverUrl = base;
  } else {
    const embedded = await startEmbeddedPostgres({ dir: '.data/test-postgres', port: 54330 }, log);
    (globalThis as { embeddedTestPg?: unknown }).embeddedTestPg = embedded;
    serverUrl = embedded.url;
  }
  const url = new URL(serverUrl);
  const name = `orion_test_${process.pid}_${Date.now()}`;
  await onServer(serverUrl, `CREATE DATABASE "${name}"`);
  url.pathname = `/${name}`;
  process.env[TEST_DB_ENV] = url.toString();

  const dataSource = createDataSource(url.toString());
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
    await ensureAdmin(dataSource, loadConfig({ NODE_ENV: 'test' }), log);
  } finally {
    await dataSource.destroy();
  }
}
