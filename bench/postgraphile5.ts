/**
 * PostGraphile v5 (npm alias `postgraphile5`) over the same database, as a
 * peer of the benchmark beside v4 (bench/postgraphile.ts). Started by
 * bench/run.ts (compiled to dist/bench); env: DATABASE_URL, PORT,
 * DB_POOL_SIZE, POSTGRAPHILE_RLS, POSTGRAPHILE_USER_ID.
 *
 * The same options as v4, through v5's own V4 preset (the amber preset with
 * v4's naming, so both peers are asked the same documents): no GraphiQL, no
 * schema watching, no explain, no LISTEN connection, no stack traces.
 *
 * v5 wants Node 22 (`Promise.withResolvers`); this process polyfills it on
 * Node 20, before PostGraphile loads, and nothing else sees the polyfill.
 */
// eslint-disable-next-line simple-import-sort/imports -- the polyfill first: grafast uses it as it loads
import './promise-with-resolvers';
import http from 'node:http';
import { Pool } from 'pg';
import { postgraphile } from 'postgraphile5';
import { makePgService } from 'postgraphile5/adaptors/pg';
import { grafserv } from 'postgraphile5/grafserv/node';
import { makeV4Preset } from 'postgraphile5/presets/v4';
import { sharedOptions } from './postgraphile-options';
import { countingPool, databaseUrlFromEnv, poolSizeFromEnv, portFromEnv, withStatementCount } from './sql-count';

const pool = countingPool(new Pool({ connectionString: databaseUrlFromEnv(), max: poolSizeFromEnv() }));
pool.on('error', (err) => console.error('postgraphile5 pool error:', err.message));

const preset: GraphileConfig.Preset = {
  extends: [
    makeV4Preset({
      ...sharedOptions,
      allowExplain: false,
    }),
  ],
  pgServices: [makePgService({ pool, schemas: ['public'], pubsub: false })],
};

async function main(): Promise<void> {
  const pgl = postgraphile(preset);
  const serv = pgl.createServ(grafserv);
  const server = http.createServer();
  await serv.addTo(server, false);
  // addTo installs grafserv's request listener: wrap it so probes can count statements like the other peers.
  const [handler] = server.listeners('request') as http.RequestListener[];
  server.removeAllListeners('request');
  server.on('request', withStatementCount(handler));
  // Build the schema before reporting ready (v4 builds it on start too).
  await pgl.getSchema();
  server.keepAliveTimeout = 65_000;
  server.listen(portFromEnv(), '127.0.0.1', () => {
    console.log(`postgraphile5 listening on 127.0.0.1:${portFromEnv()}`);
  });

  const stop = () => {
    server.close();
    server.closeAllConnections();
    void Promise.resolve(pgl.release())
      .then(() => pool.end())
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  console.error('postgraphile5 failed to start:', err);
  process.exit(1);
});
