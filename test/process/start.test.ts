import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * `npm start` as a container runtime or a process manager runs it: its own
 * process group, the embedded PostgreSQL (which runs in a process group of its
 * own), and SIGTERM sent to the npm process only. Everything it started must
 * be gone afterwards, not just npm: node must get the signal and stop the
 * embedded PostgreSQL before npm exits.
 */

const root = path.join(__dirname, '..', '..');
/** The first build of a fresh clone takes ~15 s; leave room for a slow machine. */
const READY_TIMEOUT_MS = 150_000;
/** main.ts gives up on its own shutdown after 30 s. */
const EXIT_TIMEOUT_MS = 35_000;

type Exit = { code: number | null; signal: NodeJS.Signals | null };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** True when a listen on 127.0.0.1:`port` succeeds (nothing holds the port any more). */
function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function healthz(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/healthz', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}

/** True while any process of the group `pgid` exists. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

/** `pid command` of each process in the group `pgid`, from /proc (for failure messages). */
function groupMembers(pgid: number): string[] {
  const members: string[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // state ppid pgrp ...
      if (Number(fields[2]) !== pgid) continue;
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
      members.push(`${entry} [${fields[0]}] ${cmdline}`);
    } catch {
      /* gone meanwhile */
    }
  }
  return members;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function postmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** `promise`'s value, or undefined if it takes longer than `ms` (the timer does not outlive the race). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  const timer = new AbortController();
  try {
    return await Promise.race([promise, sleep(ms, undefined, { signal: timer.signal })]);
  } finally {
    timer.abort();
  }
}

/** Polls `condition` every 100 ms; false if it still does not hold after `timeoutMs`. */
async function eventually(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

describe('npm start', () => {
  let tmp: string;
  let dataDir: string;
  let npm: ChildProcess | undefined;
  let pgPid: number | undefined;
  let output = '';

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'orion-start-'));
    fs.chmodSync(tmp, 0o755); // as root, the embedded PostgreSQL runs as the `postgres` OS user
    dataDir = path.join(tmp, 'pg');
  });

  afterAll(async () => {
    // Whatever a failure left behind: the npm group (gracefully first), then PostgreSQL (its own group).
    const pgid = npm?.pid;
    if (pgid && groupAlive(pgid)) {
      process.kill(-pgid, 'SIGTERM');
      if (!(await eventually(() => !groupAlive(pgid), 15_000))) process.kill(-pgid, 'SIGKILL');
    }
    const pg = postmasterPid(dataDir) ?? pgPid;
    if (pg && alive(pg)) {
      process.kill(pg, 'SIGQUIT');
      if (!(await eventually(() => !alive(pg), 10_000))) process.kill(-pg, 'SIGKILL');
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  }, 60_000);

  it('builds, serves, and on SIGTERM to the npm process stops the server and the embedded PostgreSQL', async () => {
    const httpPort = await freePort();
    let pgPort = await freePort();
    while (pgPort === httpPort) pgPort = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      EMBEDDED_PG_DIR: dataDir,
      EMBEDDED_PG_PORT: String(pgPort),
      PORT: String(httpPort),
      JOBS: '0',
      LOG_LEVEL: 'info',
    };
    // As someone would run it: no database of the tests, not jest's NODE_ENV=test.
    for (const name of ['DATABASE_URL', 'TEST_DATABASE_URL', 'NODE_ENV']) delete env[name];

    const started = Date.now();
    // detached: npm leads a process group of its own, like PID 1 of a container; its PID is the group's id.
    const child = spawn('npm', ['start'], { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    npm = child;
    const collect = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-20_000));
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    let npmExit: Exit | undefined;
    const exited = new Promise<Exit>((resolve) =>
      child.once('exit', (code, signal) => resolve((npmExit = { code, signal }))),
    );
    const pgid = child.pid!;

    try {
      const ready = await eventually(async () => {
        if (npmExit) throw new Error(`npm start exited before it was ready (${JSON.stringify(npmExit)})`);
        return (await healthz(httpPort)) === 200;
      }, READY_TIMEOUT_MS);
      expect(ready).toBe(true);
      const readyMs = Date.now() - started;
      expect(output).toMatch(/Orion GraphQL ready at/);
      pgPid = postmasterPid(dataDir);
      expect(pgPid).toBeDefined();
      expect(alive(pgPid!)).toBe(true);

      process.kill(pgid, 'SIGTERM'); // the npm process only, not its group
      const stopping = Date.now();
      const exit = await within(exited, EXIT_TIMEOUT_MS);
      process.stderr.write(
        `npm start: ready in ${readyMs} ms; after SIGTERM to npm: ${JSON.stringify(exit)} in ${Date.now() - stopping} ms\n`,
      );
      expect(exit).toBeDefined(); // npm exited

      // Nothing of npm's group is left (old behaviour: node, orphaned by sh, still serving).
      await eventually(() => !groupAlive(pgid), 2000);
      expect(groupMembers(pgid)).toEqual([]);
      expect(groupAlive(pgid)).toBe(false);
      expect(await canListen(httpPort)).toBe(true);

      // The embedded PostgreSQL (its own process group) was stopped, not orphaned.
      expect(alive(pgPid!)).toBe(false);
      expect(fs.existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(false);
      expect(await canListen(pgPort)).toBe(true);

      // Cleanly: node's shutdown ran to its end, and npm exited as node did (0), not by the signal.
      expect(output).toContain('embedded PostgreSQL stopped');
      expect(output).toContain('shutdown complete');
      expect(exit).toEqual({ code: 0, signal: null });
    } catch (err) {
      process.stderr.write(`--- npm start output (tail) ---\n${output.slice(-5000)}\n`);
      throw err;
    }
  }, 240_000);
});
