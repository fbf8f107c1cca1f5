import { Client } from 'pg';

/** The database a test run uses, chosen by global setup and handed to workers through the environment. */
export const TEST_DB_ENV = 'ORION_TEST_DATABASE_URL';

export function testDatabaseUrl(): string {
  const url = process.env[TEST_DB_ENV];
  if (!url) throw new Error(`${TEST_DB_ENV} is unset: run the tests through jest (global setup sets it)`);
  return url;
}

/** Runs `sql` on the server's maintenance database (for CREATE/DROP DATABASE). */
export async function onServer(url: string, sql: string): Promise<void> {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
