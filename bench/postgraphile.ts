/**
 * PostGraphile v4 over the same database, as a peer of the benchmark. Started
 * by bench/run.ts (compiled to dist/bench, so no TypeScript compiler sits in
 * its memory); env: DATABASE_URL, PORT, DB_POOL_SIZE.
 *
 * Options: the library defaults plus what a production deployment sets —
 * no GraphiQL, no schema watching, no per-query console log, no stack traces.
 * Every statement a request sends is counted into `x-sql-statements`.
 *
 * POSTGRAPHILE_RLS=1 runs it the way PostGraphile enforces row-level
 * security: every request in a transaction whose settings (`pgSettings`)
 * switch to the role and identity our server gives the bench's ADMIN, under
 * the same policies (migrations/*-RowLevelSecurity.ts). Off, it connects as
 * the tables' owner and no policy applies.
 */
// eslint-disable-next-line simple-import-sort/imports -- graphql15 first: PostGraphile must see one graphql 15
import { graphqlVersion } from './graphql15';
import http from 'node:http';
import { Pool } from 'pg';
import { postgraphile } from 'postgraphile';
import { sharedOptions } from './postgraphile-options';
import { countingPool, databaseUrlFromEnv, poolSizeFromEnv, portFromEnv, withStatementCount } from './sql-count';

const pool = countingPool(new Pool({ connectionString: databaseUrlFromEnv(), max: poolSizeFromEnv() }));
pool.on('error', (err) => console.error('postgraphile pool error:', err.message));

const middleware = postgraphile(pool, 'public', {
  ...sharedOptions,
  enhanceGraphiql: false,
  disableQueryLog: true,
  enableCors: false,
});

const server = http.createServer(withStatementCount(middleware));
server.keepAliveTimeout = 65_000;
server.listen(portFromEnv(), '127.0.0.1', () => {
  console.log(`postgraphile (graphql ${graphqlVersion}) listening on 127.0.0.1:${portFromEnv()}`);
});

function stop(): void {
  server.close();
  server.closeAllConnections();
  void pool.end().finally(() => process.exit(0));
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
