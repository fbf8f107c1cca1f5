/**
 * Load: one timed run of a workload against a server, by the load generator
 * in a process of its own (bench/loadgen.ts, compiled to dist/bench), and its
 * one-line summary. This process only starts it, samples the server's memory
 * (a /proc read every 250 ms) and reads its one line of JSON.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { LoadResult, LoadSpec } from '../loadgen';
import type { Child } from './processes';
import { logTail, ROOT } from './processes';
import type { ScenarioName, TargetName } from './settings';
import { CONTENDED_SCENARIO, WRITE_SCENARIO } from './settings';
import { fmt, rssKb } from './util';
import type { Fixture } from './workloads';
import { writeTally } from './workloads';

/** A run as the report reads it: the load generator's figures, with where and how it ran. */
export interface Run extends Pick<LoadResult, 'rps' | 'p50' | 'p99' | 'total' | 'non2xx' | 'errors'> {
  scenario: ScenarioName;
  target: TargetName;
  connections: number;
  repeat: number;
  bad: Map<string, number>;
  sqlMin: number;
  sqlMax: number;
  sqlMean: number;
  rssPeakKb: number;
  /** The share of a core the load generator's process took during the run. */
  loadgenCpu: number;
}

let fixtureFile: string | null = null;

/** Writes the fixture once, for every load process to read (card numbers, the stamp pool, our token). */
export function shareFixture(fx: Fixture, dir: string): void {
  fixtureFile = path.join(dir, 'fixture.json');
  fs.writeFileSync(fixtureFile, JSON.stringify(fx));
}

/** The load generator's script, compiled by compilePeers (bench/run/processes.ts). */
const LOADGEN = path.join(ROOT, 'dist', 'bench', 'loadgen.js');

function runLoadgen(specFile: string): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [LOADGEN, specFile], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    proc.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    proc.on('error', reject);
    proc.on('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) {
        reject(new Error(`the load generator exited with ${code}: ${err.trim() || out.trim() || '(no output)'}`));
        return;
      }
      resolve(JSON.parse(line) as LoadResult);
    });
  });
}

export async function load(
  child: Child,
  scenario: ScenarioName,
  connections: number,
  seconds: number,
): Promise<Omit<Run, 'scenario' | 'target' | 'connections' | 'repeat'>> {
  if (!fixtureFile) throw new Error('shareFixture() first');
  const spec: LoadSpec = {
    port: child.port,
    connections,
    seconds,
    scenario,
    target: child.name,
    fixtureFile,
    // The contended run walks its own few cards from the start; the plain one goes on where the last stopped.
    start: scenario === CONTENDED_SCENARIO ? 0 : writeTally.requests,
  };
  const specFile = path.join(os.tmpdir(), `orion-bench-load-${process.pid}.json`);
  fs.writeFileSync(specFile, JSON.stringify(spec));
  let rssPeakKb = rssKb(child.process.pid!);
  const sampler = setInterval(() => {
    const rss = rssKb(child.process.pid!);
    if (rss > rssPeakKb || !Number.isFinite(rssPeakKb)) rssPeakKb = rss;
  }, 250);
  try {
    const result = await runLoadgen(specFile);
    if (child.exited) throw new Error(`${child.name} died during the run; its log:\n${logTail(child.logFile)}`);
    if (scenario === WRITE_SCENARIO && result.write) {
      writeTally.succeeded += result.write.succeeded;
      writeTally.requests += result.write.requests;
      writeTally.passes = Math.max(writeTally.passes, result.write.passes);
    }
    // What the contended run wrote is in the ledger too.
    if (scenario === CONTENDED_SCENARIO && result.write) writeTally.succeeded += result.write.succeeded;
    const { rps, p50, p99, total, non2xx, errors } = result;
    return {
      rps,
      p50,
      p99,
      total,
      non2xx,
      errors,
      bad: new Map(Object.entries(result.bad)),
      sqlMin: result.sqlMin ?? NaN,
      sqlMax: result.sqlMax ?? NaN,
      sqlMean: result.sqlMean ?? NaN,
      rssPeakKb,
      loadgenCpu: result.cpuShare,
    };
  } finally {
    clearInterval(sampler);
    fs.rmSync(specFile, { force: true });
  }
}

export function describeRun(run: Run): string {
  const bad = [...run.bad].map(([k, v]) => `${k}×${v}`).join(', ');
  return (
    `${run.scenario.padEnd(16)} c=${String(run.connections).padEnd(3)} ${run.target.padEnd(13)} ` +
    `${fmt(run.rps).padStart(7)} req/s  p50 ${fmt(run.p50, 1).padStart(6)} ms  p99 ${fmt(run.p99, 1).padStart(6)} ms  ` +
    `sql ${sqlText(run.sqlMin, run.sqlMax, run.sqlMean).padEnd(5)} rss ${fmt(run.rssPeakKb / 1024)} MB  ` +
    `loadgen ${fmt(run.loadgenCpu * 100)}% cpu` +
    (run.non2xx || run.errors || bad ? `  non-2xx ${run.non2xx} errors ${run.errors}${bad ? ` [${bad}]` : ''}` : '')
  );
}

export function sqlText(min: number, max: number, mean: number): string {
  if (!Number.isFinite(min)) return '–';
  return min === max ? String(min) : `${min}–${max} (avg ${mean.toFixed(1)})`;
}
