import { onServer, TEST_DB_ENV } from './database';

export default async function globalTeardown(): Promise<void> {
  const url = process.env[TEST_DB_ENV];
  if (url) {
    const name = new URL(url).pathname.slice(1);
    await onServer(url, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
  const embedded = (globalThis as { embeddedTestPg?: { stop(): Promise<void> } }).embeddedTestPg;
  await embedded?.stop();
}
