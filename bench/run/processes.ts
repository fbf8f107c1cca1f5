/**
 * The servers under test as child processes: started with the Node flags of
 * `npm start`, waited for, stopped (also on exit and on SIGINT / SIGTERM /
 * SIGHUP); the peers compiled to dist/bench first.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import ts from 'typescript';

import type { TargetName } from './settings';

/** The repository's root. */
export const ROOT = path.resolve(__dirname, '..', '..');

export interface Child {
  name: TargetName;
  port: number;
  process: ChildProcess;
  logFile: string;
  exited: boolean;
}

export const children: Child[] = [];

export function logTail(file: string, lines = 25): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * The Node flags `npm start` runs our server with (package.json), given to
 * every server of the bench alike (a larger young generation: a request's
 * garbage dies young instead of being promoted under 50 connections).
 */
export function productionNodeFlags(): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const match = /\bnode((?: --[\w-]+(?:=\S+)?)*) dist\/src\/main\.js/.exec(pkg.scripts.start);
  if (!match)
    throw new Error(`package.json start script does not run "node [flags] dist/src/main.js": ${pkg.scripts.start}`);
  return match[1].trim().split(/\s+/).filter(Boolean);
}

export function startChild(
  name: TargetName,
  script: string,
  env: NodeJS.ProcessEnv,
  port: number,
  logDir: string,
): Child {
  const logFile = path.join(logDir, `${name}.log`);
  const fd = fs.openSync(logFile, 'w');
  const proc = spawn(process.execPath, [...productionNodeFlags(), script], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', fd, fd],
  });
  fs.closeSync(fd);
  const child: Child = { name, port, process: proc, logFile, exited: false };
  proc.on('exit', () => {
    child.exited = true;
  });
  children.push(child);
  return child;
}

export async function waitReady(child: Child, probe: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exited) {
      throw new Error(
        `${child.name} exited during start (code ${child.process.exitCode}); its log (${child.logFile}):\n${logTail(child.logFile)}`,
      );
    }
    try {
      if (await probe()) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(
    `${child.name} not ready after ${timeoutMs / 1000} s; its log (${child.logFile}):\n${logTail(child.logFile)}`,
  );
}

let stopping: Promise<void> | undefined;

/** Stops every child we started: SIGTERM, then SIGKILL after 10 s. Idempotent. */
export function stopChildren(): Promise<void> {
  stopping ??= Promise.all(
    children.map(async (child) => {
      if (child.exited || child.process.pid === undefined) return;
      const exited = new Promise<void>((resolve) => child.process.once('exit', () => resolve()));
      child.process.kill('SIGTERM');
      const timer = setTimeout(() => {
        if (!child.exited) child.process.kill('SIGKILL');
      }, 10_000);
      await exited;
      clearTimeout(timer);
    }),
  ).then(() => undefined);
  return stopping;
}

process.on('exit', () => {
  for (const child of children) if (!child.exited) child.process.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    console.error(`\nbench: ${signal}, stopping the servers`);
    void stopChildren().finally(() => process.exit(130));
  });
}

/**
 * Compiles the peers, the load generator and what they import to dist/bench,
 * so no TypeScript compiler runs inside them (nor loads in a load process).
 */
export function compilePeers(): Record<Exclude<TargetName, 'orion'>, string> {
  const outDir = path.join(ROOT, 'dist', 'bench');
  fs.mkdirSync(path.join(outDir, 'run'), { recursive: true });
  const files = [
    'sql-count',
    'postgraphile-options',
    'graphql15',
    'promise-with-resolvers',
    'postgraphile',
    'postgraphile5',
    'baseline',
    'loadgen',
    'run/workloads',
    'run/util',
    'run/settings',
  ];
  for (const name of files) {
    const source = fs.readFileSync(path.join(ROOT, 'bench', `${name}.ts`), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
      },
      fileName: `${name}.ts`,
    });
    fs.writeFileSync(path.join(outDir, `${name}.js`), outputText);
  }
  return {
    postgraphile: path.join(outDir, 'postgraphile.js'),
    postgraphile5: path.join(outDir, 'postgraphile5.js'),
    baseline: path.join(outDir, 'baseline.js'),
  };
}
