/** Load: one timed run of a workload against a server with autocannon, and its one-line summary. */
import autocannon from 'autocannon';

import type { Child } from './processes';
import { logTail } from './processes';
import type { ScenarioName, TargetName } from './settings';
import { fmt, rssKb } from './util';
import type { Workload } from './workloads';

export interface Run {
  scenario: ScenarioName;
  target: TargetName;
  connections: number;
  repeat: number;
  rps: number;
  p50: number;
  p99: number;
  total: number;
  non2xx: number;
  errors: number;
  bad: Map<string, number>;
  sqlMin: number;
  sqlMax: number;
  sqlMean: number;
  rssPeakKb: number;
}

export async function load(
  child: Child,
  workload: Workload,
  connections: number,
  seconds: number,
): Promise<Omit<Run, 'scenario' | 'target' | 'connections' | 'repeat'>> {
  const bad = new Map<string, number>();
  let sqlMin = Infinity;
  let sqlMax = -Infinity;
  let sqlSum = 0;
  let sqlN = 0;
  let rssPeakKb = rssKb(child.process.pid!);
  const sampler = setInterval(() => {
    const rss = rssKb(child.process.pid!);
    if (rss > rssPeakKb || !Number.isFinite(rssPeakKb)) rssPeakKb = rss;
  }, 250);
  try {
    const result = await autocannon({
      url: `http://127.0.0.1:${child.port}`,
      connections,
      duration: seconds,
      timeout: 10,
      method: workload.method,
      headers: workload.headers,
      requests: [
        {
          method: workload.method,
          setupRequest: (request) => {
            const { path: p, body } = workload.next();
            return body === undefined ? { ...request, path: p } : { ...request, path: p, body };
          },
          onResponse: (status, body, _context, headers) => {
            const problem = workload.check(status, body);
            if (problem) bad.set(problem, (bad.get(problem) ?? 0) + 1);
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
    if (child.exited) throw new Error(`${child.name} died during the run; its log:\n${logTail(child.logFile)}`);
    return {
      rps: result.requests.total / result.duration,
      p50: result.latency.p50,
      p99: result.latency.p99,
      total: result.requests.total,
      non2xx: result.non2xx,
      errors: result.errors + result.timeouts,
      bad,
      sqlMin: sqlN ? sqlMin : NaN,
      sqlMax: sqlN ? sqlMax : NaN,
      sqlMean: sqlN ? sqlSum / sqlN : NaN,
      rssPeakKb,
    };
  } finally {
    clearInterval(sampler);
  }
}

export function describeRun(run: Run): string {
  const bad = [...run.bad].map(([k, v]) => `${k}×${v}`).join(', ');
  return (
    `${run.scenario.padEnd(16)} c=${String(run.connections).padEnd(3)} ${run.target.padEnd(12)} ` +
    `${fmt(run.rps).padStart(7)} req/s  p50 ${fmt(run.p50, 1).padStart(6)} ms  p99 ${fmt(run.p99, 1).padStart(6)} ms  ` +
    `sql ${sqlText(run.sqlMin, run.sqlMax, run.sqlMean).padEnd(5)} rss ${fmt(run.rssPeakKb / 1024)} MB` +
    (run.non2xx || run.errors || bad ? `  non-2xx ${run.non2xx} errors ${run.errors}${bad ? ` [${bad}]` : ''}` : '')
  );
}

export function sqlText(min: number, max: number, mean: number): string {
  if (!Number.isFinite(min)) return '–';
  return min === max ? String(min) : `${min}–${max} (avg ${mean.toFixed(1)})`;
}
