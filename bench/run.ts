/**
 * `npm run bench`: our server against PostGraphile v4, PostGraphile v5 and a
 * raw node:http + pg baseline, on an already seeded database
 * (`npm run seed:bench`).
 *
 * Starts the four as child processes on free 127.0.0.1 ports, checks that
 * they answer the same thing, drives each scenario at each concurrency with
 * autocannon in a load process of its own (bench/loadgen.ts; this process
 * only orchestrates), the targets alternated within each cell (A, B, C, D,
 * A, B, C, D, … over the repeats), then the loyalty write scenario on our
 * server alone with a ledger check, and prints (and writes to
 * bench/last-results.md) the medians of the repeats and our ratio to each
 * peer with its spread over the repeats. Environment: see `settings()`
 * (bench/run/settings.ts).
 *
 * One concern per module under bench/run/: settings (environment), util
 * (small helpers), processes (the servers as child processes), workloads
 * (what each target is asked), equivalence (same answers before timing),
 * statements (the statement counts of shapes no load scenario times),
 * load (one run by the load process), database (preflight, fixture, ledger check), login
 * (our server's token) and report (table, targets, bench/last-results.md).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import type { LedgerCheck } from './run/database';
import { ledgerCheck, lookupCards, preflight, stampPool, withDb } from './run/database';
import { checkEquivalence } from './run/equivalence';
import type { Run } from './run/load';
import { describeRun, load, shareFixture } from './run/load';
import { login } from './run/login';
import type { Child } from './run/processes';
import { children, compilePeers, logTail, ROOT, startChild, stopChildren, waitReady } from './run/processes';
import { writeReport } from './run/report';
import type { TargetName } from './run/settings';
import {
  CONTENDED,
  CONTENDED_SCENARIO,
  READ_SCENARIOS,
  settings,
  TARGETS,
  UsageError,
  WRITE_SCENARIO,
} from './run/settings';
import { cpuDescription, errorMessage, fmt, freePort, loadAverage } from './run/util';
import type { Fixture } from './run/workloads';
import { writeTally } from './run/workloads';

async function main(): Promise<void> {
  const s = settings();
  const started = Date.now();
  const readScenarios = READ_SCENARIOS.filter((x) => s.scenarios.includes(x));
  const writeOn = s.scenarios.includes(WRITE_SCENARIO);
  const maxConn = Math.max(...s.connections);

  // 1. The data.
  const { info, cardNumbers, stamp, ledgerStart } = await withDb(s.databaseUrl, async (db) => {
    const info = await preflight(db, s);
    const cardNumbers = await lookupCards(db, s.lookupCards);
    if (cardNumbers.length === 0) throw new UsageError('no live card with a live program and customer to look up');
    const stamp = writeOn ? await stampPool(db, s.stampCards) : { pool: [], inconsistent: 0, minLeft: 0 };
    const { rows } = await db.query<{ max: number }>(
      'SELECT coalesce(max(id), 0)::int AS max FROM loyalty_transactions',
    );
    return { info, cardNumbers, stamp, ledgerStart: rows[0].max };
  });
  if (writeOn && stamp.pool.length === 0) {
    throw new UsageError(
      'no card can take stamps and points (needs a live HYBRID program without staff PIN or cooldown, a store on the ' +
        'loyalty platform with an active subscription, and a ledger that matches the balances): is the database seeded?',
    );
  }
  console.log(
    `data: PostgreSQL ${info.pgVersion}, ${fmt(info.merchants)} live merchants, ${fmt(info.liveStores)} live stores, ` +
      `${fmt(info.liveCards)} live cards; card_lookup rotates over ${fmt(cardNumbers.length)} cards` +
      (writeOn
        ? `; ${WRITE_SCENARIO} over ${fmt(stamp.pool.length)} cards (random order, ≥ ${fmt(stamp.minLeft)} stamps left today each)`
        : ''),
  );
  if (stamp.inconsistent)
    console.log(`warning: ${stamp.inconsistent} cards whose seeded ledger != balances were left out`);

  const loadAtStart = loadAverage();
  console.log(`machine: ${cpuDescription()}, Node ${process.version}; load average ${loadAtStart} at the start`);
  const runsPerRepeat =
    s.connections.length * (readScenarios.length * TARGETS.length + (writeOn ? 1 : 0)) + (writeOn ? 1 : 0);
  const warmups = (readScenarios.length * TARGETS.length + (writeOn ? 1 : 0)) * s.warmupSeconds;
  const estimate = runsPerRepeat * s.repeats * (s.seconds + 2) + warmups + 60; // + 2 s: a load process starts per run
  console.log(
    `plan: ${s.repeats} repeats × ${runsPerRepeat} runs of ${s.seconds} s at ${s.connections.join(' and ')} connections ` +
      `(+ ${s.warmupSeconds} s warm-up per target and scenario): about ${Math.ceil(estimate / 60)} min`,
  );
  const watchdog = setTimeout(
    () => {
      console.error(`bench: still running after ${Math.ceil((2 * estimate + 300) / 60)} min: giving up`);
      void stopChildren().finally(() => process.exit(1));
    },
    (2 * estimate + 300) * 1000,
  );
  watchdog.unref();

  // 2. The servers.
  const scripts = compilePeers();
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orion-bench-'));
  const ports: Record<TargetName, number> = {
    orion: await freePort(),
    postgraphile: await freePort(),
    postgraphile5: await freePort(),
    baseline: await freePort(),
  };
  const secret = (label: string) =>
    process.env[label] || `bench-${label.toLowerCase()}-${Math.random().toString(36).slice(2)}-0123456789abcdef`;
  const orion = startChild(
    'orion',
    path.join(ROOT, 'dist', 'src', 'main.js'),
    {
      NODE_ENV: 'production',
      DATABASE_URL: s.databaseUrl,
      DB_POOL_SIZE: String(s.poolSize),
      JOBS: '0',
      EXPOSE_SQL_COUNT: '1',
      JWT_SECRET: secret('JWT_SECRET'),
      STAFF_PIN_SECRET: secret('STAFF_PIN_SECRET'),
      ADMIN_EMAIL: s.adminEmail,
      ADMIN_PASSWORD: s.adminPassword,
      LOG_LEVEL: s.logLevel,
    },
    ports.orion,
    logDir,
  );
  const peerEnv = { DATABASE_URL: s.databaseUrl, DB_POOL_SIZE: String(s.poolSize), NODE_ENV: 'production' };
  const pgEnv = {
    ...peerEnv,
    POSTGRAPHILE_RLS: s.postgraphileRls ? '1' : '0',
    POSTGRAPHILE_USER_ID: String(info.adminId),
  };
  const postgraphile = startChild('postgraphile', scripts.postgraphile, pgEnv, ports.postgraphile, logDir);
  const postgraphile5 = startChild('postgraphile5', scripts.postgraphile5, pgEnv, ports.postgraphile5, logDir);
  const baseline = startChild('baseline', scripts.baseline, peerEnv, ports.baseline, logDir);
  const byName: Record<TargetName, Child> = { orion, postgraphile, postgraphile5, baseline };
  console.log(`servers: ${TARGETS.map((t) => `${t} :${ports[t]}`).join(', ')}; logs in ${logDir}`);
  const graphqlReady = (port: number) => async () => {
    const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query":"{ __typename }"}',
    });
    return res.ok;
  };
  await Promise.all([
    waitReady(orion, async () => (await fetch(`http://127.0.0.1:${ports.orion}/healthz`)).ok),
    waitReady(postgraphile, graphqlReady(ports.postgraphile)),
    waitReady(postgraphile5, graphqlReady(ports.postgraphile5)),
    waitReady(baseline, async () => (await fetch(`http://127.0.0.1:${ports.baseline}/healthz`)).ok),
  ]);
  console.log(`ready after ${((Date.now() - started) / 1000).toFixed(1)} s`);

  // 3. Log in, check the answers agree.
  const token = await login(ports.orion, s.adminEmail, s.adminPassword);
  const fx: Fixture = { token, cardNumbers, stampPool: stamp.pool };
  shareFixture(fx, logDir);
  const equivalence = await checkEquivalence(ports, fx, s.scenarios, s.databaseUrl);
  if (equivalence.length) for (const note of equivalence) console.log(`warning: ${note}`);
  else if (readScenarios.length) console.log('answers: all targets answer the same stores and cards');

  // 4. Warm up, then the measured runs: within each (connections, scenario) cell the targets alternate,
  // A, B, C, D, A, B, C, D, … once per repeat, so the runs compared in one repeat are seconds apart.
  const runs: Run[] = [];
  if (s.warmupSeconds > 0 && readScenarios.length > 0) {
    for (const scenario of readScenarios) {
      for (const target of TARGETS) await load(byName[target], scenario, maxConn, s.warmupSeconds);
    }
    console.log(`warm-up done (${s.warmupSeconds} s per target and scenario at ${maxConn} connections)`);
  }
  for (const connections of s.connections) {
    for (const scenario of readScenarios) {
      for (let repeat = 1; repeat <= s.repeats; repeat++) {
        for (const target of TARGETS) {
          const result = await load(byName[target], scenario, connections, s.seconds);
          const run: Run = { scenario, target, connections, repeat, ...result };
          runs.push(run);
          console.log(`[repeat ${repeat}] ${describeRun(run)}`);
        }
      }
    }
  }

  // 5. Writes, our server only, after every read run (they grow the ledger the reads would see).
  let ledger: LedgerCheck | null = null;
  if (writeOn) {
    if (s.warmupSeconds > 0) {
      await load(orion, WRITE_SCENARIO, maxConn, s.warmupSeconds);
      writeTally.cutAtEnd += maxConn;
    }
    for (const connections of s.connections) {
      for (let repeat = 1; repeat <= s.repeats; repeat++) {
        const result = await load(orion, WRITE_SCENARIO, connections, s.seconds);
        writeTally.cutAtEnd += connections; // at most one request per connection is cut when a run ends
        const run: Run = { scenario: WRITE_SCENARIO, target: 'orion', connections, repeat, ...result };
        runs.push(run);
        console.log(`[repeat ${repeat}] ${describeRun(run)}`);
      }
    }
    for (let repeat = 1; repeat <= s.repeats; repeat++) {
      const { connections } = CONTENDED;
      const result = await load(orion, CONTENDED_SCENARIO, connections, s.seconds);
      writeTally.cutAtEnd += connections;
      const run: Run = { scenario: CONTENDED_SCENARIO, target: 'orion', connections, repeat, ...result };
      runs.push(run);
      console.log(`[repeat ${repeat}] ${describeRun(run)}`);
    }
    await sleep(1000); // requests cut at the end of a run may still commit
    ledger = await withDb(s.databaseUrl, (db) => ledgerCheck(db, ledgerStart));
    console.log(
      `ledger: ${fmt(ledger.rowsWritten)} rows written (${Object.entries(ledger.byType)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}) for ${fmt(writeTally.succeeded)} successful mutations answered; ` +
        `${fmt(ledger.cardsTouched)} cards, ${ledger.mismatched} with ledger != balances` +
        (ledger.sample.length ? `: ${ledger.sample.join('; ')}` : '') +
        (writeTally.passes > 1 ? ` (the card pool was cycled ${writeTally.passes} times)` : ''),
    );
  }

  await stopChildren();
  const serverErrors = children.filter((c) => /error|fatal/i.test(logTail(c.logFile, 200)));
  if (serverErrors.length) {
    console.log(`note: error lines in the logs of ${serverErrors.map((c) => c.name).join(', ')}: kept in ${logDir}`);
  } else {
    fs.rmSync(logDir, { recursive: true, force: true });
  }

  // 6. Report.
  const checks = await writeReport({
    s,
    info,
    runs,
    readScenarios,
    writeOn,
    ledger,
    equivalence,
    started,
    loadAtStart,
  });
  clearTimeout(watchdog);
  // Exit 1 when any target's check failed (speed, statements, ledger) or any answer was wrong.
  const failed =
    checks.some((c) => c.startsWith('FAIL')) ||
    runs.some((r) => r.non2xx || r.errors || r.bad.size) ||
    (ledger && ledger.mismatched > 0);
  process.exitCode = failed ? 1 : 0;
}

main().catch(async (err: unknown) => {
  console.error(`bench: ${err instanceof UsageError ? '' : 'failed: '}${errorMessage(err)}`);
  await stopChildren();
  process.exit(err instanceof UsageError ? 2 : 1);
});
