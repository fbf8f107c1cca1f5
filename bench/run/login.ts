/** Our server: log in as the seeded ADMIN. */
import { UsageError } from './settings';
import type { Json } from './util';
import { gql } from './workloads';

export async function login(port: number, email: string, password: string): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: gql(
      `mutation BenchLogin($email: EmailAddress!, $password: String!) {
         login(input: { email: $email, password: $password }) { token userErrors { code message } user { role } }
       }`,
      { email, password },
    ),
  });
  const body: Json = await res.json();
  const token: string | undefined = body?.data?.login?.token;
  if (!token) {
    throw new UsageError(
      `login as ${email} failed (${JSON.stringify(body?.data?.login?.userErrors ?? body?.errors)}): ` +
        'is the database seeded by `npm run seed:bench`? (or set BENCH_ADMIN_EMAIL / BENCH_ADMIN_PASSWORD)',
    );
  }
  if (body.data.login.user?.role !== 'ADMIN') console.log(`note: ${email} is ${body.data.login.user?.role}, not ADMIN`);
  return token;
}
