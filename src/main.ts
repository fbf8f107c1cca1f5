import 'reflect-metadata';

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

import type { DataSource } from 'typeorm';

import { createApp } from './app';
import { type Config, loadConfig } from './config';
import { createDataSource } from './db/data-source';
import { type EmbeddedPostgres, startEmbeddedPostgres } from './dev/embedded-postgres';
import { type Scheduler, startScheduler } from './jobs/scheduler';
import { createLogger, type Logger } from './logger';
import { ensureAdmin } from './services/tenancy/admin-bootstrap';

/** How long in-flight requests get to finish after a shutdown signal. */
const DRAIN_TIMEOUT_MS = 10_000;
/** Hard limit for the whole shutdown; past it the process exits 1 regardless. */
const SHUTDOWN_TIMEOUT_MS = 30_000;

class BootAborted extends Error {}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (err) {
    process.stderr.write(`orion: configuration error: ${message(err)}\n`);
    process.exit(1);
  }
}

function listen(server: http.Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') reject(new Error(`${host}:${port} is already in use (set PORT or HOST)`));
      else if (err.code === 'EACCES') reject(new Error(`no permission to listen on ${host}:${port}`));
      else reject(err);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** Stops accepting connections, lets in-flight requests finish (bounded), then cuts what is left. */
async function drain(server: http.Server, log: Logger): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  // Keep-alive sockets go idle as their last response ends: close them as they do.
  const sweeper = setInterval(() => server.closeIdleConnections(), 100);
  const deadline = new AbortController();
  const timedOut = await Promise.race([
    closed.then(() => false),
    sleep(DRAIN_TIMEOUT_MS, true, { signal: deadline.signal }).catch(() => false),
  ]);
  deadline.abort();
  clearInterval(sweeper);
  if (timedOut) {
    log.warn(
      { timeoutMs: DRAIN_TIMEOUT_MS },
      'requests still running after the drain timeout: closing their connections',
    );
    server.closeAllConnections();
    await closed;
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const log = createLogger(config);

  const state: {
    server?: http.Server;
    stopApp?: () => Promise<void>;
    scheduler?: Scheduler;
    dataSource?: DataSource;
    embedded?: EmbeddedPostgres;
  } = {};
  let aborted = false;
  let booting: Promise<void> = Promise.resolve();
  let shuttingDown: Promise<void> | undefined;
  const checkpoint = () => {
    if (aborted) throw new BootAborted('shutdown requested during boot');
  };

  async function teardown(): Promise<void> {
    const steps: Array<[string, () => Promise<void>]> = [
      ['http server', async () => state.server && drain(state.server, log)],
      ['app', async () => state.stopApp && state.stopApp()],
      ['job scheduler', async () => state.scheduler && state.scheduler.stop()],
      [
        'database pool',
        async () => {
          if (state.dataSource?.isInitialized) await state.dataSource.destroy();
        },
      ],
      ['embedded PostgreSQL', async () => state.embedded && state.embedded.stop()],
    ];
    for (const [name, step] of steps) {
      try {
        await step();
      } catch (err) {
        log.error({ err }, `shutdown: stopping the ${name} failed`);
      }
    }
  }

  /** Idempotent: a second signal while shutting down only logs. */
  function shutdown(reason: string, exitCode: number): Promise<void> {
    if (shuttingDown) {
      log.info({ reason }, 'already shutting down');
      return shuttingDown;
    }
    aborted = true;
    log.info({ reason }, 'shutting down');
    setTimeout(() => {
      log.error({ timeoutMs: SHUTDOWN_TIMEOUT_MS }, 'shutdown timed out: exiting');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    shuttingDown = (async () => {
      await booting.catch(() => undefined); // let the current boot step settle first
      await teardown();
      log.info({ exitCode }, 'shutdown complete');
      log.flush?.();
      process.exit(exitCode);
    })();
    return shuttingDown;
  }

  // Installed before the embedded PostgreSQL starts, so its fallback handlers stay out of the way.
  process.on('SIGTERM', () => void shutdown('SIGTERM', 0));
  process.on('SIGINT', () => void shutdown('SIGINT', 0));
  process.on('uncaughtException', (err) => {
    log.fatal({ err }, 'uncaught exception');
    void shutdown('uncaughtException', 1);
  });
  // A promise nobody awaited leaves no state half-changed, unlike a throw that unwound a stack: log it, keep serving.
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled promise rejection'));

  booting = (async () => {
    let url = config.databaseUrl;
    if (!url) {
      state.embedded = await startEmbeddedPostgres(config.embeddedPg, log);
      url = state.embedded.url;
      checkpoint();
    }

    const dataSource = createDataSource(url, { poolSize: config.dbPoolSize, log });
    await dataSource.initialize();
    state.dataSource = dataSource;
    checkpoint();

    const applied = await dataSource.runMigrations({ transaction: 'each' });
    if (applied.length) log.info({ migrations: applied.map((m) => m.name) }, `applied ${applied.length} migration(s)`);
    checkpoint();

    await ensureAdmin(dataSource, config, log);
    checkpoint();

    if (config.jobsEnabled) {
      state.scheduler = await startScheduler(url, dataSource, log);
      checkpoint();
    }

    const { handler, stop: stopApp } = await createApp({ dataSource, config, log });
    state.stopApp = stopApp;
    checkpoint();

    const server = http.createServer(handler);
    state.server = server;
    const address = await listen(server, config.port, config.host);
    log.info(
      {
        address: `${address.address}:${address.port}`,
        nodeEnv: config.nodeEnv,
        database: state.embedded ? 'embedded' : 'DATABASE_URL',
        ...(state.embedded ? { embeddedDataDir: state.embedded.dir, embeddedPort: config.embeddedPg.port } : {}),
      },
      `Orion GraphQL ready at http://localhost:${address.port}/graphql`,
    );
  })();

  try {
    await booting;
  } catch (err) {
    if (err instanceof BootAborted) return; // the signal handler is tearing down
    log.fatal({ err }, `boot failed: ${message(err)}`);
    await shutdown('boot failed', 1);
  }
}

void main();
