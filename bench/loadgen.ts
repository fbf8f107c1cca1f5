/**
 * The bench's load generator: one timed run of one workload against one
 * server, in a process of its own (never inside bench/run.ts, which only
 * starts it and reads its answer; never inside a server). Started by
 * bench/run/load.ts as `node dist/bench/loadgen.js SPEC.json` (compiled
 * there like the peers), it drives autocannon's programmatic API, because the
 * workloads vary per request (card numbers, the stamp pool) and autocannon's
 * CLI sends one fixed request. It checks every answer and reads
 * `x-sql-statements` here, in this process: autocannon builds every body as
 * a string whatever we do, and a substring test on it costs next to nothing.
 * Prints one line of JSON (a `LoadResult`) on stdout and exits.
 */
import fs from 'node:fs';

import autocannon from 'autocannon';

import { CONTENDED, CONTENDED_SCENARIO, type ScenarioName, type TargetName, WRITE_SCENARIO } from './run/settings';
import type { Fixture, WriteTally } from './run/workloads';
import { readWorkload, writeWorkload } from './run/workloads';

export interface LoadSpec {
  port: number;
  connections: number;
  seconds: number;
  scenario: ScenarioName;
  target: TargetName;
  /** A JSON file with the `Fixture` (written once per bench by the orchestrator). */
  fixtureFile: string;
  /** The write scenario: where this run starts in the card pool. */
  start: number;
}

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  total: number;
  non2xx: number;
  errors: number;
  bad: Record<string, number>;
  /** Statements per request from `x-sql-statements`; null when no answer carried it. */
  sqlMin: number | null;
  sqlMax: number | null;
  sqlMean: number | null;
  write: WriteTally | null;
  /** This process's CPU time over the run's wall time: the share of a core the load generator took. */
  cpuShare: number;
}

async function main(): Promise<void> {
  const spec = JSON.parse(fs.readFileSync(process.argv[2], 'utf8')) as LoadSpec;
  const fx = JSON.parse(fs.readFileSync(spec.fixtureFile, 'utf8')) as Fixture;
  const contended = spec.scenario === CONTENDED_SCENARIO;
  const write: WriteTally | null =
    spec.scenario === WRITE_SCENARIO || contended ? { succeeded: 0, requests: 0, passes: 0 } : null;
  const workload = write
    ? writeWorkload(contended ? { ...fx, stampPool: fx.stampPool.slice(0, CONTENDED.cards) } : fx, spec.start, write)
    : readWorkload(spec.scenario as Exclude<ScenarioName, 'stamp_and_points' | 'stamp_contended'>, spec.target, fx);
  const bad: Record<string, number> = {};
  let sqlMin = Infinity;
  let sqlMax = -Infinity;
  let sqlSum = 0;
  let sqlN = 0;
  const cpuStart = process.cpuUsage();
  const wallStart = process.hrtime.bigint();
  const result = await autocannon({
    url: `http://127.0.0.1:${spec.port}`,
    connections: spec.connections,
    duration: spec.seconds,
    timeout: 10,
    method: workload.method,
    headers: workload.headers,
    requests: [
      {
        method: workload.method,
        setupRequest: (request) => {
          const { path, body } = workload.next();
          return body === undefined ? { ...request, path } : { ...request, path, body };
        },
        onResponse: (status, body, _context, headers) => {
          const problem = workload.check(status, body);
          if (problem) bad[problem] = (bad[problem] ?? 0) + 1;
          const raw = (headers as Record<string, string | string[] | undefined> | undefined)?.['x-sql-statements'];
          const count = Number(Array.isArray(raw) ? raw[0] : raw);
          if (raw !== undefined && Number.isFinite(count)) {
            sqlN += 1;
            sqlSum += count;
            if (count < sqlMin) sqlMin = count;
            if (count > sqlMax) sqlMax = count;
          }
        },
      },
    ],
  });
  const cpu = process.cpuUsage(cpuStart);
  const wallUs = Number(process.hrtime.bigint() - wallStart) / 1000;
  const out: LoadResult = {
    rps: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    bad,
    sqlMin: sqlN ? sqlMin : null,
    sqlMax: sqlN ? sqlMax : null,
    sqlMean: sqlN ? sqlSum / sqlN : null,
    write,
    cpuShare: (cpu.user + cpu.system) / wallUs,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((err: unknown) => {
  console.error(`loadgen: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
