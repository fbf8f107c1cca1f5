/**
 * Report: medians of the repeats, our ratio to each peer with its spread over
 * the repeats, the targets' checks, the machine, written to
 * bench/last-results.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import * as prettier from 'prettier';

import { CARD_SQL, STORES_SQL } from '../baseline';
import type { DataInfo, LedgerCheck } from './database';
import { probedStatements } from './equivalence';
import type { Run } from './load';
import { sqlText } from './load';
import { productionNodeFlags, ROOT } from './processes';
import type { ScenarioName, Settings, TargetName } from './settings';
import { CONTENDED, CONTENDED_SCENARIO, WRITE_SCENARIO } from './settings';
import { probeChecks } from './statements';
import { cpuDescription, fmt, fmtRatio, loadAverage, median } from './util';
import { ORION_CARD, ORION_POINTS, ORION_STAMP, ORION_STORES, PG_CARD, PG_STORES, writeTally } from './workloads';

const RESULTS_FILE = path.join(ROOT, 'bench', 'last-results.md');

interface Cell {
  scenario: ScenarioName;
  connections: number;
  target: TargetName;
  runs: Run[];
  rps: number;
  p50: number;
  p99: number;
}

function cells(runs: Run[]): Cell[] {
  const out: Cell[] = [];
  for (const run of runs) {
    let cell = out.find(
      (c) => c.scenario === run.scenario && c.connections === run.connections && c.target === run.target,
    );
    if (!cell) {
      cell = {
        scenario: run.scenario,
        connections: run.connections,
        target: run.target,
        runs: [],
        rps: 0,
        p50: 0,
        p99: 0,
      };
      out.push(cell);
    }
    cell.runs.push(run);
  }
  for (const cell of out) {
    cell.rps = median(cell.runs.map((r) => r.rps));
    cell.p50 = median(cell.runs.map((r) => r.p50));
    cell.p99 = median(cell.runs.map((r) => r.p99));
  }
  return out;
}

function cellSql(cell: Cell): string {
  if (cell.runs.every((r) => !Number.isFinite(r.sqlMin))) {
    const probed = probedStatements.get(`${cell.target} ${cell.scenario}`) ?? [];
    if (!probed.length) return '–';
    const mean = probed.reduce((a, b) => a + b, 0) / probed.length;
    return `${sqlText(Math.min(...probed), Math.max(...probed), mean)} (probes)`;
  }
  const min = Math.min(...cell.runs.map((r) => r.sqlMin));
  const max = Math.max(...cell.runs.map((r) => r.sqlMax));
  const n = cell.runs.reduce((s, r) => s + r.total, 0);
  const mean = cell.runs.reduce((s, r) => s + r.sqlMean * r.total, 0) / n;
  return sqlText(min, max, mean);
}

function cellErrors(cell: Cell): { non2xx: number; errors: number; detail: string } {
  const bad = new Map<string, number>();
  for (const run of cell.runs) for (const [k, v] of run.bad) bad.set(k, (bad.get(k) ?? 0) + v);
  return {
    non2xx: cell.runs.reduce((s, r) => s + r.non2xx, 0),
    errors: cell.runs.reduce((s, r) => s + r.errors, 0) + [...bad.values()].reduce((s, v) => s + v, 0),
    detail: [...bad].map(([k, v]) => `${k}×${v}`).join(', '),
  };
}

/**
 * Our value over the target's in each repeat (the runs of one repeat were
 * taken side by side), as "median (min–max)"; a single repeat shows no spread.
 */
export function ratioSpread(
  ours: Cell,
  other: Cell,
  value: (r: Run) => number,
): { median: number; text: string; range: string } {
  const ratios: number[] = [];
  for (const run of other.runs) {
    const mine = ours.runs.find((r) => r.repeat === run.repeat);
    if (mine && value(run) > 0) ratios.push(value(mine) / value(run));
  }
  const mid = median(ratios);
  if (ratios.length < 2) return { median: mid, text: fmtRatio(mid), range: 'one repeat' };
  const range = `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`;
  return { median: mid, text: `${fmtRatio(mid)} (${range})`, range: `repeats ${range}` };
}

function table(all: Cell[], scenarios: ScenarioName[]): string {
  const lines = [
    '| scenario | conns | target | req/s (median) | req/s per repeat | p50 ms | p99 ms | SQL/req | non-2xx | errors | RSS MB | load gen CPU | ours ÷ target req/s (min–max) | ours ÷ target p99 (min–max) |',
    '|---|---:|---|---:|---|---:|---:|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const scenario of scenarios) {
    for (const cell of all.filter((c) => c.scenario === scenario)) {
      const ours = all.find(
        (c) => c.scenario === scenario && c.connections === cell.connections && c.target === 'orion',
      );
      const isOurs = cell.target === 'orion';
      const e = cellErrors(cell);
      lines.push(
        `| ${scenario} | ${cell.connections} | ${cell.target} | ${fmt(cell.rps)} | ${cell.runs.map((r) => fmt(r.rps)).join(' / ')} | ` +
          `${fmt(cell.p50, 1)} | ${fmt(cell.p99, 1)} | ${cellSql(cell)} | ${e.non2xx} | ${e.errors}${e.detail ? ` (${e.detail})` : ''} | ` +
          `${fmt(median(cell.runs.map((r) => r.rssPeakKb)) / 1024)} | ${fmt(median(cell.runs.map((r) => r.loadgenCpu)) * 100)}% | ` +
          `${isOurs || !ours ? '—' : ratioSpread(ours, cell, (r) => r.rps).text} | ` +
          `${isOurs || !ours ? '—' : ratioSpread(ours, cell, (r) => r.p99).text} |`,
      );
    }
  }
  return lines.join('\n');
}

function targetChecks(all: Cell[], ledger: LedgerCheck | null, writeRan: boolean): string[] {
  const out: string[] = [];
  const mark = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
  for (const cell of all.filter(
    (c) => c.target === 'orion' && c.scenario !== WRITE_SCENARIO && c.scenario !== CONTENDED_SCENARIO,
  )) {
    const peer = (target: TargetName) =>
      all.find((c) => c.target === target && c.scenario === cell.scenario && c.connections === cell.connections);
    // stores20 is there to show the statement count does not grow with the page: its speed is no target.
    const speedTarget = cell.scenario !== 'stores20';
    const judge = (ok: boolean) => (speedTarget ? mark(ok) : 'INFO');
    for (const [target, label] of [
      ['postgraphile', 'PostGraphile 4'],
      ['postgraphile5', 'PostGraphile 5'],
    ] as const) {
      const pg = peer(target);
      if (!pg) continue;
      // Judged on the median of the per-repeat ratios: each compares two runs taken side by side.
      const rps = ratioSpread(cell, pg, (r) => r.rps);
      const p99 = ratioSpread(cell, pg, (r) => r.p99);
      out.push(
        `${judge(rps.median >= 1)} ${cell.scenario} c=${cell.connections}: req/s ${fmtRatio(rps.median)} ${label} ` +
          `(${rps.range}; ≥ 1.00×)`,
      );
      out.push(
        `${judge(p99.median <= 1)} ${cell.scenario} c=${cell.connections}: p99 ${fmt(cell.p99, 1)} ms vs ${label} ` +
          `${fmt(pg.p99, 1)} ms, ${fmtRatio(p99.median)} (${p99.range}; no worse)`,
      );
    }
    const raw = peer('baseline');
    if (raw) {
      out.push(
        `INFO ${cell.scenario} c=${cell.connections}: req/s ${ratioSpread(cell, raw, (r) => r.rps).text} of the raw ` +
          `limit's, p99 ${ratioSpread(cell, raw, (r) => r.p99).text} of its`,
      );
    }
    // Each the opening, one statement (the card with its program and customer; the page with its merchants and
    // memberships) and the COMMIT.
    const limit = 3;
    const max = Math.max(...cell.runs.map((r) => r.sqlMax));
    out.push(
      `${mark(max <= limit)} ${cell.scenario} c=${cell.connections}: SQL statements per request ${max} (≤ ${limit})`,
    );
    const first100 = all.find(
      (c) => c.target === 'orion' && c.scenario === 'stores100' && c.connections === cell.connections,
    );
    if (cell.scenario === 'stores20' && first100) {
      const max100 = Math.max(...first100.runs.map((r) => r.sqlMax));
      out.push(
        `${mark(max === max100)} stores20 c=${cell.connections}: the same statements per request as stores100 (${max} and ${max100})`,
      );
    }
    const e = cellErrors(cell);
    if (e.non2xx || e.errors)
      out.push(`FAIL ${cell.scenario} c=${cell.connections}: ${e.non2xx} non-2xx, ${e.errors} errors`);
  }
  // Shapes no scenario asks, probed before the runs (bench/run/statements.ts).
  out.push(...probeChecks);
  if (writeRan) {
    for (const cell of all.filter((c) => c.scenario === WRITE_SCENARIO)) {
      out.push(
        `${mark(cell.rps >= 1500)} ${WRITE_SCENARIO} c=${cell.connections}: ${fmt(cell.rps)} mutations/s (≥ 1,500)`,
      );
      // The opening, the loyalty context, the counter operation's one function call, the COMMIT.
      const statements = Math.max(...cell.runs.map((r) => r.sqlMax));
      out.push(
        `${mark(statements <= 4)} ${WRITE_SCENARIO} c=${cell.connections}: SQL statements per mutation ${statements} (≤ 4)`,
      );
      const e = cellErrors(cell);
      out.push(
        `${mark(e.non2xx + e.errors === 0)} ${WRITE_SCENARIO} c=${cell.connections}: ${e.non2xx} non-2xx, ${e.errors} errors${e.detail ? ` (${e.detail})` : ''}`,
      );
    }
    for (const cell of all.filter((c) => c.scenario === CONTENDED_SCENARIO)) {
      const e = cellErrors(cell);
      out.push(
        `INFO ${CONTENDED_SCENARIO} c=${cell.connections} on ${CONTENDED.cards} cards: ${fmt(cell.rps)} mutations/s`,
        `${mark(e.non2xx + e.errors === 0)} ${CONTENDED_SCENARIO} c=${cell.connections}: ${e.non2xx} non-2xx, ${e.errors} errors${e.detail ? ` (${e.detail})` : ''}`,
      );
    }
    if (ledger) {
      const extra = ledger.rowsWritten - writeTally.succeeded;
      out.push(
        `${mark(extra >= 0 && extra <= writeTally.cutAtEnd)} ${WRITE_SCENARIO}: ${fmt(ledger.rowsWritten)} ledger rows for ` +
          `${fmt(writeTally.succeeded)} successes answered (the ${extra} more are requests cut when a run ended: ≤ ${writeTally.cutAtEnd})`,
      );
      out.push(
        `${mark(ledger.mismatched === 0 && ledger.cardsTouched > 0)} ${WRITE_SCENARIO}: ledger == balances on ${ledger.cardsTouched} cards written (${ledger.mismatched} mismatched)`,
      );
    }
  }
  return out;
}

/** The BENCH_* settings of this run, as they would be typed (passwords left out). */
function benchEnv(): string {
  return Object.entries(process.env)
    .filter(([k, v]) => k.startsWith('BENCH_') && k !== 'BENCH_ADMIN_PASSWORD' && v)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v} `)
    .join('');
}

function queryDocs(): string[] {
  const block = (title: string, lang: string, text: string) => [
    `**${title}**`,
    '',
    '```' + lang,
    text.trim(),
    '```',
    '',
  ];
  return [
    ...block('orion — stores100 / stores20', 'graphql', ORION_STORES),
    ...block('PostGraphile 4 and 5 — stores100 / stores20', 'graphql', PG_STORES),
    ...block('baseline — GET /stores?first=N', 'sql', STORES_SQL),
    ...block('orion — card_lookup', 'graphql', ORION_CARD),
    ...block('PostGraphile 4 and 5 — card_lookup', 'graphql', PG_CARD),
    ...block('baseline — GET /card?number=X', 'sql', CARD_SQL),
    ...block('orion — stamp_and_points', 'graphql', `${ORION_STAMP}\n\n${ORION_POINTS}`),
  ];
}

/** What the report is made of: the settings, the data, the runs, the ledger and answer checks. */
interface ReportInput {
  s: Settings;
  info: DataInfo;
  runs: Run[];
  readScenarios: ScenarioName[];
  writeOn: boolean;
  ledger: LedgerCheck | null;
  equivalence: string[];
  /** Date.now() at the start of the bench. */
  started: number;
  /** The 1-minute load average when the bench started. */
  loadAtStart: string;
}

/**
 * Writes the report (data, table of medians, targets, what each target is
 * asked) to bench/last-results.md and prints it; returns the targets' checks.
 */
export async function writeReport({
  s,
  info,
  runs,
  readScenarios,
  writeOn,
  ledger,
  equivalence,
  started,
  loadAtStart,
}: ReportInput): Promise<string[]> {
  const all = cells(runs);
  const scenarioOrder = [...readScenarios, ...(writeOn ? [WRITE_SCENARIO, CONTENDED_SCENARIO] : [])] as ScenarioName[];
  const resultTable = table(all, scenarioOrder);
  const checks = targetChecks(all, ledger, writeOn);
  const loadgen =
    'load generator autocannon in a process of its own (bench/loadgen.ts), on the same machine as the servers and ' +
    'the database';
  const machine =
    `${cpuDescription()}, ${fmt(os.totalmem() / 2 ** 30, 1)} GiB RAM, ` +
    `${os.type()} ${os.release()}, Node ${process.version}, PostgreSQL ${info.pgVersion}; 1-minute load average ` +
    `${loadAtStart} at the start and ${loadAverage()} at the end (other work on the machine shows there)`;
  const draft = [
    `# Benchmark results`,
    '',
    `${new Date().toISOString()} — ${machine}.`,
    '',
    `Data: ${fmt(info.merchants)} live merchants, ${fmt(info.liveStores)} live stores, ${fmt(info.liveCards)} live cards. ` +
      `Runs of ${s.seconds} s, ${s.repeats} repeats (medians shown), ${s.connections.join(' and ')} connections, ` +
      `${s.warmupSeconds} s warm-up; each server has ${s.poolSize} database connections and runs on ` +
      `\`node ${productionNodeFlags().join(' ')}\` (the flags of \`npm start\`); ${loadgen}; the targets ` +
      `alternate within each cell, one run each per repeat. Command: \`DATABASE_URL=… ${benchEnv()}npm run bench\`.`,
    '',
    resultTable,
    '',
    '"ours ÷ target": the median over the repeats of our req/s (or p99) divided by that target\'s in the same repeat, ' +
      'with the lowest and highest of those per-repeat ratios; req/s above 1.00× and p99 below 1.00× favour us. ' +
      'SQL/req from the `x-sql-statements` header of every response (BEGIN/COMMIT included); the peers count only ' +
      'the probes that compare the answers before the runs ("probes"), so that their timed runs carry no counting. ' +
      'RSS: peak resident memory of the server process during the run (median of repeats). Load gen CPU: the ' +
      "load generator process's CPU time over the run's wall time (median of repeats; 100% is one of the machine's cores).",
    '',
    ...(ledger
      ? [
          `Ledger check after ${WRITE_SCENARIO}: ${fmt(ledger.rowsWritten)} ledger rows written for ` +
            `${fmt(writeTally.succeeded)} successful mutations answered (rows of requests cut at the end of a run count too), ` +
            `${fmt(ledger.cardsTouched)} cards written, ${ledger.mismatched} with ledger != balances.`,
          '',
        ]
      : []),
    ...(equivalence.length
      ? ['Answer differences found before the runs:', '', ...equivalence.map((n) => `- ${n}`), '']
      : []),
    '## Targets',
    '',
    ...checks.map((c) => `- ${c}`),
    '',
    '## What each target is asked',
    '',
    'Our server as the seeded ADMIN (bearer token), PostGraphile 4 and 5 (v5 through its V4 preset: the same names, so the same documents) and the baseline without auth' +
      (s.postgraphileRls
        ? '; both PostGraphiles under the same row-level security policies as our ADMIN (`BENCH_POSTGRAPHILE_RLS=1`: ' +
          'each request a transaction whose `pgSettings` switch role and write the identity settings)'
        : "; both PostGraphiles as the tables' owner, under no policy") +
      '. `stores100` / `stores20` ' +
      'pass `first` 100 / 20; `card_lookup` rotates over a fixed set of live card numbers; `stamp_and_points` alternates ' +
      'the two mutations over cards in random order, each through a store of its merchant on the loyalty platform.',
    '',
    ...queryDocs(),
  ].join('\n');
  // Formatted as the repository formats Markdown, so `npm run check` stays green if the file is kept.
  const report = await prettier.format(draft, {
    ...((await prettier.resolveConfig(RESULTS_FILE)) ?? {}),
    parser: 'markdown',
  });
  fs.writeFileSync(RESULTS_FILE, report);
  console.log(`\n${report}`);
  console.log(`written to ${path.relative(ROOT, RESULTS_FILE)} in ${((Date.now() - started) / 60_000).toFixed(1)} min`);
  return checks;
}
