import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import type { Logger } from 'pino';

/**
 * The operating-system side of the embedded PostgreSQL (src/dev/embedded-postgres.ts):
 * its binary and locale, the `postgres` OS user a root process must run it as, file ownership and
 * access, and the server process itself (alive, its pid file, stopping it).
 */

/** The OS user (and database superuser) the embedded server runs as. */
export const EMBEDDED_PG_USER = 'postgres';

const STOP_TIMEOUT_MS = 15_000;

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function postgresIds(): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(
      execFileSync('id', ['-u', EMBEDDED_PG_USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
    );
    const gid = Number(
      execFileSync('id', ['-g', EMBEDDED_PG_USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
    );
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
  } catch {
    return undefined;
  }
}

/** As root, PostgreSQL must run as the `postgres` OS user; create it like embedded-postgres does. */
export function ensurePostgresUser(log: Logger): { uid: number; gid: number } {
  const existing = postgresIds();
  if (existing) return existing;
  log.warn('creating the "postgres" OS user to run the embedded PostgreSQL');
  spawnSync('groupadd', ['-f', EMBEDDED_PG_USER], { stdio: 'ignore' });
  const res = spawnSync('useradd', ['-g', EMBEDDED_PG_USER, EMBEDDED_PG_USER], { encoding: 'utf8' });
  const created = postgresIds();
  if (!created)
    throw new Error(`Could not create the "postgres" OS user: ${res.stderr || res.error?.message || 'unknown error'}`);
  return created;
}

/** Fails with a clear message if the postgres user cannot reach the data dir's parent or the binaries. */
export function checkAccessAsPostgres(ids: { uid: number; gid: number }, parentDir: string, bin: string): void {
  const can = (flag: string, target: string): boolean | undefined => {
    const res = spawnSync('test', [flag, target], { uid: ids.uid, gid: ids.gid, stdio: 'ignore' });
    return res.error ? undefined : res.status === 0; // undefined: no `test` binary, let PostgreSQL report it
  };
  /** The first directory on the way to `target` that the postgres user cannot enter. */
  const blocker = (target: string): string => {
    const parts = path.resolve(target).split(path.sep).filter(Boolean);
    for (let n = 1; n <= parts.length; n += 1) {
      const dir = path.sep + parts.slice(0, n).join(path.sep);
      if (can('-x', dir) === false) return dir;
    }
    return target;
  };
  const shareDir = path.join(path.dirname(bin), '..', 'share');
  const checks: Array<[string, string, string]> = [
    ['-x', parentDir, 'traverse'],
    ['-x', bin, 'execute'],
    ['-r', shareDir, 'read'],
  ];
  for (const [flag, target, verb] of checks) {
    if (can(flag, target) !== false) continue;
    const where = blocker(target);
    throw new Error(
      `The "postgres" OS user cannot ${verb} ${target} (blocked at ${where}); embedded PostgreSQL runs as that user. ` +
        `Make ${where} traversable by others (chmod o+x; binaries need o+rx), or set EMBEDDED_PG_DIR elsewhere.`,
    );
  }
}

export async function chownRecursive(target: string, uid: number, gid: number): Promise<void> {
  await fsp.lchown(target, uid, gid);
  const stat = await fsp.lstat(target);
  if (!stat.isDirectory()) return;
  for (const entry of await fsp.readdir(target)) await chownRecursive(path.join(target, entry), uid, gid);
}

const HAS_PROC = fs.existsSync('/proc/self/stat');

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (!HAS_PROC) return true;
  try {
    // A zombie (exited, not yet reaped) counts as dead.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

export function procInfo(pid: number): { comm: string; ppid: number } | undefined {
  try {
    const comm = fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return { comm, ppid };
  } catch {
    /* not Linux, or gone */
  }
  try {
    const out = execFileSync('ps', ['-o', 'ppid=,comm=', '-p', String(pid)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    const m = /^(\d+)\s+(.+)$/.exec(out);
    return m ? { ppid: Number(m[1]), comm: path.basename(m[2]) } : undefined;
  } catch {
    return undefined;
  }
}

export interface PidFile {
  pid: number;
  port: number;
}

export function readPidFile(dir: string): PidFile | undefined {
  try {
    const lines = fs.readFileSync(path.join(dir, 'postmaster.pid'), 'utf8').split('\n');
    const pid = Number(lines[0]);
    const port = Number(lines[3]);
    return Number.isInteger(pid) && pid > 0 ? { pid, port } : undefined;
  } catch {
    return undefined;
  }
}

/** Waits until `pid` is gone; escalates SIGINT (fast) → SIGQUIT (immediate) → SIGKILL. */
export async function stopPid(pid: number, waitExit: () => Promise<boolean>): Promise<void> {
  for (const [signal, timeout] of [
    ['SIGINT', STOP_TIMEOUT_MS],
    ['SIGQUIT', 5000],
    ['SIGKILL', 5000],
  ] as const) {
    try {
      process.kill(pid, signal);
    } catch {
      return; // already gone
    }
    const timer = new AbortController();
    const exited = await Promise.race([waitExit(), sleep(timeout, false, { signal: timer.signal }).catch(() => false)]);
    timer.abort();
    if (exited) return;
  }
}

export function pollUntilDead(pid: number): () => Promise<boolean> {
  return async () => {
    while (isAlive(pid)) await sleep(50, undefined, { ref: false });
    return true;
  };
}

/** Path of the `postgres` server binary shipped by `@embedded-postgres/<platform>-<arch>`. */
export function postgresBinary(): string {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const pkg = `@embedded-postgres/${platform}-${process.arch}`;
  // Resolve from embedded-postgres itself: the binaries are its optional dependency.
  const fromLibrary = createRequire(require.resolve('embedded-postgres'));
  let entry: string;
  try {
    entry = fromLibrary.resolve(pkg);
  } catch {
    throw new Error(
      `embedded-postgres has no binaries for ${process.platform}-${process.arch} (${pkg} is not installed)`,
    );
  }
  const bin = path.join(
    path.dirname(entry),
    '..',
    'native',
    'bin',
    process.platform === 'win32' ? 'postgres.exe' : 'postgres',
  );
  if (!fs.existsSync(bin)) throw new Error(`PostgreSQL binary not found at ${bin}`);
  return bin;
}

export function bestLocale(): string {
  try {
    const available = new Set(
      execFileSync('locale', ['-a'], { encoding: 'utf8' })
        .split(/\r?\n/)
        .map((l) => l.trim()),
    );
    for (const l of ['en_US.UTF-8', 'en_US.utf8', 'C.UTF-8', 'C.utf8']) if (available.has(l)) return l;
  } catch {
    /* no `locale` (Windows, minimal images) */
  }
  return 'C';
}
