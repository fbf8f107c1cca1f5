/**
 * `npm run bench`: our server against PostGraphile v4 and a raw node:http + pg
 * baseline, on an already seeded database (`npm run seed:bench`).
 *
 * Starts the three as child processes on free 127.0.0.1 ports, checks that
 * they answer the same thing, drives each scenario with autocannon at each
 * concurrency (targets alternating, several repeats), then the loyalty write
 * scenario on our server alone with a ledger check, and prints (and writes to
 * bench/last-results.md) the medians of the repeats and our ratio to each
 * peer. Environment: see `settings()` below.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { Client } from 'pg';
import * as prettier from 'prettier';
import ts from 'typescript';
import { CARD_SQL, STORES_SQL } from './baseline';

const ROOT = path.resolve(__dirname, '..');
const RESULTS_FILE = path.join(ROOT, 'bench', 'last-results.md');

// ---------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------

class UsageError extends Error {}

function intEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

const TARGETS = ['orion', 'postgraphile', 'baseline'] as const;
type TargetName = (typeof TARGETS)[number];

const READ_SCENARIOS = ['stores100', 'stores20', 'card_lookup'] as const;
const WRITE_SCENARIO = 'stamp_and_points';
type ScenarioName = (typeof READ_SCENARIOS)[number] | typeof WRITE_SCENARIO;
const ALL_SCENARIOS: ScenarioName[] = [...READ_SCENARIOS, WRITE_SCENARIO];

function settings() {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    throw new UsageError(
      'DATABASE_URL is not set. Point it at a database filled by `npm run seed:bench`, e.g.\n' +
        '  DATABASE_URL=postgres://postgres@127.0.0.1:5432/orion_bench npm run seed:bench\n' +
        '  DATABASE_URL=postgres://postgres@127.0.0.1:5432/orion_bench npm run bench',
    );
  }
  if (!/^postgres(ql)?:\/\//.test(databaseUrl)) throw new UsageError('DATABASE_URL must be a postgres:// URL');
  const connections = (process.env.BENCH_CONNECTIONS || '10,50').split(',').map((c) => Number(c.trim()));
  if (connections.length === 0 || connections.some((c) => !Number.isInteger(c) || c < 1 || c > 500)) {
    throw new UsageError('BENCH_CONNECTIONS must be a comma-separated list of integers between 1 and 500');
  }
  const scenarioFilter = (process.env.BENCH_SCENARIOS || ALL_SCENARIOS.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = scenarioFilter.filter((s) => !ALL_SCENARIOS.includes(s as ScenarioName));
  if (unknown.length)
    throw new UsageError(`BENCH_SCENARIOS: unknown ${unknown.join(', ')} (${ALL_SCENARIOS.join(', ')})`);
  return {
    databaseUrl,
    /** Seconds per measured run. */
    seconds: intEnv('BENCH_SECONDS', 10, 1, 300),
    /**
     * Measured repeats of every (scenario, connections, target). Three: the median of two is their mean, and
     * on this shared 2-core machine one disturbed 10 s run (seen: -30% req/s, p99 x1.6) then decided a target.
     */
    repeats: intEnv('BENCH_REPEATS', 3, 1, 10),
    /** Seconds of unmeasured load per (target, scenario) before the first repeat. */
    warmupSeconds: intEnv('BENCH_WARMUP_SECONDS', 3, 0, 60),
    connections,
    scenarios: scenarioFilter as ScenarioName[],
    /** Database connections of each server (our DB_POOL_SIZE; the peers' pg Pool max). */
    poolSize: intEnv('BENCH_POOL_SIZE', 10, 1, 200),
    /** Live card numbers card_lookup rotates over. */
    lookupCards: intEnv('BENCH_LOOKUP_CARDS', 1000, 1, 100_000),
    /** At most this many cards take stamps and points (random order, each used once per pass). */
    stampCards: intEnv('BENCH_STAMP_CARDS', 100_000, 10, 10_000_000),
    adminEmail: process.env.BENCH_ADMIN_EMAIL || 'admin@bench.orion.lu',
    adminPassword: process.env.BENCH_ADMIN_PASSWORD || 'bench-password',
    /** LOG_LEVEL of our server: per-request logs off by default, as PostGraphile's query log is. */
    logLevel: process.env.BENCH_LOG_LEVEL || 'warn',
    /** PostGraphile under our row-level security policies, as our ADMIN (see bench/postgraphile.ts). */
    postgraphileRls: process.env.BENCH_POSTGRAPHILE_RLS === '1',
  };
}
type Settings = ReturnType<typeof settings>;

// ---------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------

const median = (values: number[]): number => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const fmt = (n: number, digits = 0): string =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : '–';
const fmtRatio = (n: number): string => (Number.isFinite(n) ? `${n.toFixed(2)}×` : '–');
const globalId = (type: string, id: number): string => Buffer.from(`${type}:${id}`, 'utf8').toString('base64url');
const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Resident set size of a process in kB, as `ps -o rss` shows it (read from /proc on Linux); NaN when unknown. */
function rssKb(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    if (match) return Number(match[1]);
  } catch {
    // not Linux, or the process is gone
  }
  try {
    return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) || NaN;
  } catch {
    return NaN;
  }
}

// ---------------------------------------------------------------------------
// Child processes
// ---------------------------------------------------------------------------

interface Child {
  name: TargetName;
  port: number;
  process: ChildProcess;
  logFile: string;
  exited: boolean;
}

const children: Child[] = [];

function logTail(file: string, lines = 25): string {
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
function productionNodeFlags(): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const match = /\bnode((?: --[\w-]+(?:=\S+)?)*) dist\/src\/main\.js/.exec(pkg.scripts.start);
  if (!match)
    throw new Error(`package.json start script does not run "node [flags] dist/src/main.js": ${pkg.scripts.start}`);
  return match[1].trim().split(/\s+/).filter(Boolean);
}

function startChild(name: TargetName, script: string, env: NodeJS.ProcessEnv, port: number, logDir: string): Child {
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

async function waitReady(child: Child, probe: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
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
function stopChildren(): Promise<void> {
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

/** Compiles the peers (and their helper) to dist/bench, so no TypeScript compiler runs inside them. */
function compilePeers(): { postgraphile: string; baseline: string } {
  const outDir = path.join(ROOT, 'dist', 'bench');
  fs.mkdirSync(outDir, { recursive: true });
  for (const name of ['sql-count', 'graphql15', 'postgraphile', 'baseline']) {
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
  return { postgraphile: path.join(outDir, 'postgraphile.js'), baseline: path.join(outDir, 'baseline.js') };
}

// ---------------------------------------------------------------------------
// What each target is asked
// ---------------------------------------------------------------------------

const ORION_STORES = `query BenchStores($first: Int!) {
  stores(first: $first) {
    edges { node {
      id storeCode name
      merchant { name }
      platforms { isPrimary platform { code } tier { code features { code } } }
    } }
  }
}`;

const PG_STORES = `query BenchStores($first: Int!) {
  allStores(first: $first, orderBy: PRIMARY_KEY_ASC, condition: { deletedAt: null }) {
    nodes {
      id storeCode name
      merchantByMerchantId { name }
      storePlatformsByStoreId(orderBy: PRIMARY_KEY_ASC, condition: { deletedAt: null }) {
        nodes { isPrimary platformByPlatformId { code } subscriptionTierByTierId { code features } }
      }
    }
  }
}`;

const ORION_CARD = `query BenchCard($number: String!) {
  loyaltyCard(cardNumber: $number) {
    id cardNumber stampCount pointsBalance isActive
    program { id loyaltyType stampsTarget pointsPerEuro isActive }
    customer { id email name }
  }
}`;

const PG_CARD = `query BenchCard($number: String!) {
  allLoyaltyCards(first: 1, condition: { cardNumber: $number, deletedAt: null }) {
    nodes {
      id cardNumber stampCount pointsBalance isActive
      loyaltyProgramByProgramId { id loyaltyType stampsTarget pointsPerEuro isActive }
      customerByCustomerId { id email name }
    }
  }
}`;

const ORION_STAMP = `mutation BenchStamp($card: String!, $store: ID!) {
  addStamp(input: { card: { cardNumber: $card }, storeId: $store }) {
    userErrors { code message }
    card { id stampCount pointsBalance }
  }
}`;

const ORION_POINTS = `mutation BenchPoints($card: String!, $store: ID!, $cents: NonNegativeInt!) {
  earnPoints(input: { card: { cardNumber: $card }, storeId: $store, purchaseAmountCents: $cents }) {
    userErrors { code message }
    card { id stampCount pointsBalance }
    pointsEarned
  }
}`;

interface Workload {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  /** The next request's path and body (rotating over the fixture). */
  next(): { path: string; body?: string };
  /** null when the answer is right; else a short label of what is wrong. */
  check(status: number, body: string): string | null;
}

interface Fixture {
  token: string;
  cardNumbers: string[];
  stampPool: StampCard[];
}

interface StampCard {
  cardNumber: string;
  storeId: number;
  purchaseCents: number;
}

function graphqlCheck(status: number, body: string, empty: string[]): string | null {
  if (status !== 200) return `HTTP ${status}`;
  if (body.includes('"errors"')) {
    const code = /"code":"([A-Z_]+)"/.exec(body)?.[1];
    return `GraphQL error${code ? ` ${code}` : ''}`;
  }
  for (const marker of empty) if (body.includes(marker)) return 'empty answer';
  return null;
}

function gql(query: string, variables: Record<string, unknown>): string {
  return JSON.stringify({ query, variables });
}

function rotating<T>(items: T[]): () => T {
  let i = 0;
  return () => items[i++ % items.length];
}

function readWorkload(scenario: (typeof READ_SCENARIOS)[number], target: TargetName, fx: Fixture): Workload {
  const json = { 'content-type': 'application/json', accept: 'application/json' };
  if (scenario === 'stores100' || scenario === 'stores20') {
    const first = scenario === 'stores100' ? 100 : 20;
    if (target === 'orion') {
      const body = gql(ORION_STORES, { first });
      return {
        method: 'POST',
        headers: { ...json, authorization: `Bearer ${fx.token}` },
        next: () => ({ path: '/graphql', body }),
        check: (s, b) => graphqlCheck(s, b, ['"edges":[]']),
      };
    }
    if (target === 'postgraphile') {
      const body = gql(PG_STORES, { first });
      return {
        method: 'POST',
        headers: json,
        next: () => ({ path: '/graphql', body }),
        check: (s, b) => graphqlCheck(s, b, ['"allStores":{"nodes":[]}']),
      };
    }
    return {
      method: 'GET',
      headers: { accept: 'application/json' },
      next: () => ({ path: `/stores?first=${first}` }),
      check: (s, b) => (s !== 200 ? `HTTP ${s}` : b.startsWith('{"stores" : []') ? 'empty answer' : null),
    };
  }
  const nextCard = rotating(fx.cardNumbers);
  if (target === 'orion') {
    return {
      method: 'POST',
      headers: { ...json, authorization: `Bearer ${fx.token}` },
      next: () => ({ path: '/graphql', body: gql(ORION_CARD, { number: nextCard() }) }),
      check: (s, b) => graphqlCheck(s, b, ['"loyaltyCard":null']),
    };
  }
  if (target === 'postgraphile') {
    return {
      method: 'POST',
      headers: json,
      next: () => ({ path: '/graphql', body: gql(PG_CARD, { number: nextCard() }) }),
      check: (s, b) => graphqlCheck(s, b, ['"nodes":[]']),
    };
  }
  return {
    method: 'GET',
    headers: { accept: 'application/json' },
    next: () => ({ path: `/card?number=${encodeURIComponent(nextCard())}` }),
    check: (s, b) => (s !== 200 ? `HTTP ${s}` : b === '{"card":null}' ? 'empty answer' : null),
  };
}

/** Stats of the write scenario, over every run (warm-up included): what the ledger must show. */
const writeTally = { succeeded: 0, requests: 0, passes: 0, cutAtEnd: 0 };

function writeWorkload(fx: Fixture): Workload {
  const cards = fx.stampPool;
  let i = 0;
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${fx.token}` },
    next: () => {
      const n = i++;
      const card = cards[n % cards.length];
      writeTally.requests += 1;
      writeTally.passes = Math.max(writeTally.passes, Math.floor(n / cards.length) + 1);
      const variables = { card: card.cardNumber, store: globalId('Store', card.storeId) };
      // The pool has an odd length, so a card alternates stamp / points from one pass to the next.
      const body =
        n % 2 === 0
          ? gql(ORION_STAMP, variables)
          : gql(ORION_POINTS, { ...variables, cents: Math.max(card.purchaseCents, 1250) });
      return { path: '/graphql', body };
    },
    check: (s, b) => {
      const problem = graphqlCheck(s, b, []);
      if (problem) return problem;
      if (!b.includes('"userErrors":[]')) return /"code":"([A-Z_]+)"/.exec(b)?.[1] ?? 'userErrors';
      writeTally.succeeded += 1;
      return null;
    },
  };
}

// ---------------------------------------------------------------------------
// Equivalence: each target must answer the same thing before we time it
// ---------------------------------------------------------------------------

interface NormalStore {
  storeCode: string;
  name: string;
  merchant: string | null;
  platforms: Array<{ platform: string; isPrimary: boolean; tier: string | null; features: string[] | null }>;
}

type Json = any;

function normalStores(target: TargetName, body: Json): NormalStore[] {
  const sortPlatforms = (ps: NormalStore['platforms']) => ps.sort((a, b) => a.platform.localeCompare(b.platform));
  if (target === 'postgraphile') {
    return body.data.allStores.nodes.map((s: Json) => ({
      storeCode: s.storeCode,
      name: s.name,
      merchant: s.merchantByMerchantId?.name ?? null,
      platforms: sortPlatforms(
        s.storePlatformsByStoreId.nodes.map((m: Json) => ({
          platform: m.platformByPlatformId.code,
          isPrimary: m.isPrimary,
          tier: m.subscriptionTierByTierId?.code ?? null,
          features: m.subscriptionTierByTierId ? [...m.subscriptionTierByTierId.features].sort() : null,
        })),
      ),
    }));
  }
  const stores: Json[] = target === 'orion' ? body.data.stores.edges.map((e: Json) => e.node) : body.stores;
  return stores.map((s) => ({
    storeCode: s.storeCode,
    name: s.name,
    merchant: s.merchant?.name ?? null,
    platforms: sortPlatforms(
      s.platforms.map((m: Json) => ({
        platform: m.platform.code,
        isPrimary: m.isPrimary,
        tier: m.tier?.code ?? null,
        features: m.tier ? m.tier.features.map((f: Json) => f.code).sort() : null,
      })),
    ),
  }));
}

function normalCard(target: TargetName, body: Json): Json {
  const card =
    target === 'orion' ? body.data.loyaltyCard : target === 'baseline' ? body.card : body.data.allLoyaltyCards.nodes[0];
  if (!card) return null;
  const program = card.program ?? card.loyaltyProgramByProgramId;
  const customer = target === 'postgraphile' ? card.customerByCustomerId : card.customer;
  return {
    cardNumber: card.cardNumber,
    stampCount: card.stampCount,
    pointsBalance: card.pointsBalance,
    isActive: card.isActive,
    program: {
      loyaltyType: program.loyaltyType,
      stampsTarget: program.stampsTarget,
      pointsPerEuro: program.pointsPerEuro,
      isActive: program.isActive,
    },
    customer: customer ? { email: customer.email, name: customer.name } : null,
  };
}

interface Probe {
  status: number;
  body: string;
  statements: number;
}

/** One request, with `x-count-sql`: the peers count statements only for such requests (bench/sql-count.ts). */
async function probeOnce(port: number, workload: Workload): Promise<Probe> {
  const { path: p, body } = workload.next();
  const res = await fetch(`http://127.0.0.1:${port}${p}`, {
    method: workload.method,
    headers: { ...workload.headers, 'x-count-sql': '1' },
    body,
  });
  return { status: res.status, body: await res.text(), statements: Number(res.headers.get('x-sql-statements')) };
}

function firstDifference(a: unknown, b: unknown, at = ''): string | null {
  if (JSON.stringify(a) === JSON.stringify(b)) return null;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${at || 'answer'}: ${a.length} items vs ${b.length}`;
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], `${at}[${i}]`);
      if (d) return d;
    }
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference((a as Json)[key], (b as Json)[key], `${at}.${key}`);
      if (d) return d;
    }
  }
  return `${at || 'answer'}: ${JSON.stringify(a)?.slice(0, 200)} vs ${JSON.stringify(b)?.slice(0, 200)}`;
}

/** Statements per request of each target and scenario as the probes before the runs saw them ("target scenario"). */
const probedStatements = new Map<string, number[]>();

/**
 * Asks every target the same questions once and compares the answers to the
 * baseline's; keeps the statements each answer took (the only count the peers
 * give: their timed runs are not counted).
 */
async function checkEquivalence(ports: Record<TargetName, number>, fx: Fixture, scenarios: ScenarioName[]) {
  const notes: string[] = [];
  for (const scenario of READ_SCENARIOS) {
    if (!scenarios.includes(scenario)) continue;
    const rounds = scenario === 'card_lookup' ? Math.min(5, fx.cardNumbers.length) : 1;
    for (let round = 0; round < rounds; round++) {
      const answers = {} as Record<TargetName, unknown>;
      for (const target of TARGETS) {
        const workload = readWorkload(scenario, target, fx);
        for (let skip = 0; skip < round; skip++) workload.next();
        const probe = await probeOnce(ports[target], workload);
        const key = `${target} ${scenario}`;
        probedStatements.set(key, [...(probedStatements.get(key) ?? []), probe.statements]);
        const problem = workload.check(probe.status, probe.body);
        if (problem) {
          throw new Error(`${target} ${scenario}: ${problem}: ${probe.body.slice(0, 500)}`);
        }
        const body = JSON.parse(probe.body);
        answers[target] = scenario === 'card_lookup' ? normalCard(target, body) : normalStores(target, body);
      }
      for (const target of ['orion', 'postgraphile'] as const) {
        const diff = firstDifference(answers[target], answers.baseline);
        if (diff) notes.push(`${scenario}: ${target} differs from the baseline at ${diff}`);
      }
      if (scenario !== 'card_lookup') {
        const n = (answers.baseline as NormalStore[]).length;
        const expected = scenario === 'stores100' ? 100 : 20;
        if (n < expected) notes.push(`${scenario}: only ${n} live stores in the database (expected ${expected})`);
      }
    }
  }
  return notes;
}

// ---------------------------------------------------------------------------
// Load
// ---------------------------------------------------------------------------

interface Run {
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

async function load(
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

function describeRun(run: Run): string {
  const bad = [...run.bad].map(([k, v]) => `${k}×${v}`).join(', ');
  return (
    `${run.scenario.padEnd(16)} c=${String(run.connections).padEnd(3)} ${run.target.padEnd(12)} ` +
    `${fmt(run.rps).padStart(7)} req/s  p50 ${fmt(run.p50, 1).padStart(6)} ms  p99 ${fmt(run.p99, 1).padStart(6)} ms  ` +
    `sql ${sqlText(run.sqlMin, run.sqlMax, run.sqlMean).padEnd(5)} rss ${fmt(run.rssPeakKb / 1024)} MB` +
    (run.non2xx || run.errors || bad ? `  non-2xx ${run.non2xx} errors ${run.errors}${bad ? ` [${bad}]` : ''}` : '')
  );
}

function sqlText(min: number, max: number, mean: number): string {
  if (!Number.isFinite(min)) return '–';
  return min === max ? String(min) : `${min}–${max} (avg ${mean.toFixed(1)})`;
}

// ---------------------------------------------------------------------------
// Database: preflight, fixture, ledger check
// ---------------------------------------------------------------------------

async function withDb<T>(url: string, fn: (db: Client) => Promise<T>): Promise<T> {
  const db = new Client({ connectionString: url });
  try {
    await db.connect();
  } catch (err) {
    throw new UsageError(`cannot connect to DATABASE_URL: ${errorMessage(err)}`);
  }
  try {
    return await fn(db);
  } finally {
    await db.end();
  }
}

interface DataInfo {
  pgVersion: string;
  liveStores: number;
  liveCards: number;
  merchants: number;
  /** The ADMIN's user id (null: none). */
  adminId: number | null;
}

async function preflight(db: Client, s: Settings): Promise<DataInfo> {
  const { rows: schema } = await db.query<{ cards: string | null; admin: string | null }>(
    `SELECT to_regclass('public.loyalty_cards')::text AS cards, to_regclass('public.users')::text AS admin`,
  );
  if (!schema[0].cards || !schema[0].admin) {
    throw new UsageError(
      'the database behind DATABASE_URL has no Orion schema (no loyalty_cards table): fill it with `npm run seed:bench` first',
    );
  }
  const { rows } = await db.query<DataInfo>(
    `SELECT current_setting('server_version') AS "pgVersion",
            (SELECT count(*)::int FROM stores WHERE deleted_at IS NULL) AS "liveStores",
            (SELECT count(*)::int FROM loyalty_cards WHERE deleted_at IS NULL) AS "liveCards",
            (SELECT count(*)::int FROM merchants WHERE deleted_at IS NULL) AS "merchants",
            (SELECT id FROM users WHERE lower(email) = lower($1) AND role = 'ADMIN' AND deleted_at IS NULL) AS "adminId"`,
    [s.adminEmail],
  );
  const info = rows[0];
  if (info.liveStores === 0 || info.liveCards === 0 || info.adminId === null) {
    throw new UsageError(
      `the database is not seeded for the benchmark (${info.liveStores} live stores, ${info.liveCards} live cards, ` +
        `ADMIN ${s.adminEmail} ${info.adminId !== null ? 'present' : 'missing'}): run \`npm run seed:bench\` first ` +
        '(or set BENCH_ADMIN_EMAIL / BENCH_ADMIN_PASSWORD)',
    );
  }
  return info;
}

async function lookupCards(db: Client, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ card_number: string }>(
    `SELECT c.card_number
       FROM loyalty_cards c
       JOIN loyalty_programs p ON p.id = c.program_id AND p.deleted_at IS NULL
       JOIN merchants m ON m.id = c.merchant_id AND m.deleted_at IS NULL
       JOIN customers cu ON cu.id = c.customer_id AND cu.deleted_at IS NULL
      WHERE c.deleted_at IS NULL
      ORDER BY md5(c.id::text)
      LIMIT $1`,
    [limit],
  );
  return rows.map((r) => r.card_number);
}

/**
 * Cards that can take a stamp and points right now through a store of their
 * merchant on the loyalty platform: live and active, HYBRID program without
 * PIN or cooldown, below the daily stamp cap (counted over 24 h), and whose
 * ledger already matches its balances (so a mismatch afterwards is ours).
 */
async function stampPool(
  db: Client,
  limit: number,
): Promise<{ pool: StampCard[]; inconsistent: number; minLeft: number }> {
  const { rows } = await db.query<{
    card_number: string;
    store_id: number;
    purchase_cents: number;
    stamps_left: number;
    consistent: boolean;
  }>(
    `WITH loyalty_store AS (
       SELECT DISTINCT ON (s.merchant_id) s.merchant_id, s.id AS store_id
         FROM stores s
         JOIN store_platforms sp ON sp.store_id = s.id AND sp.deleted_at IS NULL AND sp.is_active
         JOIN platforms pl ON pl.id = sp.platform_id AND pl.code = 'loyalty'
         JOIN store_subscriptions sub ON sub.store_platform_id = sp.id
              AND sub.status IN ('TRIAL', 'ACTIVE', 'PAST_DUE')
        WHERE s.deleted_at IS NULL AND s.is_active
        ORDER BY s.merchant_id, s.id)
     SELECT c.card_number, ls.store_id, p.minimum_purchase_cents AS purchase_cents,
            p.max_daily_stamps - (SELECT count(*)::int FROM loyalty_transactions t
                                   WHERE t.card_id = c.id AND t.type = 'STAMP_EARNED'
                                     AND t.created_at > now() - interval '1 day') AS stamps_left,
            (c.stamp_count = l.stamps AND c.points_balance = l.points) AS consistent
       FROM loyalty_cards c
       JOIN merchants m ON m.id = c.merchant_id AND m.deleted_at IS NULL
       JOIN loyalty_programs p ON p.id = c.program_id AND p.merchant_id = c.merchant_id AND p.deleted_at IS NULL
            AND p.is_active AND p.loyalty_type = 'HYBRID' AND NOT p.require_staff_pin AND p.cooldown_minutes = 0
       JOIN loyalty_store ls ON ls.merchant_id = c.merchant_id
       CROSS JOIN LATERAL (SELECT coalesce(sum(t.stamps_delta), 0)::int AS stamps,
                                  coalesce(sum(t.points_delta), 0)::int AS points
                             FROM loyalty_transactions t WHERE t.card_id = c.id) l
      WHERE c.deleted_at IS NULL AND c.is_active
      ORDER BY random()
      LIMIT $1`,
    [limit],
  );
  const usable = rows.filter((r) => r.consistent && r.stamps_left > 0);
  const pool = usable.map((r) => ({ cardNumber: r.card_number, storeId: r.store_id, purchaseCents: r.purchase_cents }));
  if (pool.length > 1 && pool.length % 2 === 0) pool.pop();
  return {
    pool,
    inconsistent: rows.filter((r) => !r.consistent).length,
    minLeft: usable.reduce((min, r) => Math.min(min, r.stamps_left), usable.length ? Infinity : 0),
  };
}

interface LedgerCheck {
  rowsWritten: number;
  byType: Record<string, number>;
  cardsTouched: number;
  mismatched: number;
  sample: string[];
}

/** Every card written since `afterId`: sum of the ledger == balances, and its last row == balances. */
async function ledgerCheck(db: Client, afterId: number): Promise<LedgerCheck> {
  const { rows: types } = await db.query<{ type: string; n: number }>(
    `SELECT type::text, count(*)::int AS n FROM loyalty_transactions WHERE id > $1 GROUP BY type ORDER BY type`,
    [afterId],
  );
  const { rows } = await db.query<{ cards: number; mismatched: number; sample: string[] | null }>(
    `WITH touched AS (SELECT DISTINCT card_id FROM loyalty_transactions WHERE id > $1),
     checked AS (
       SELECT c.id, c.card_number, c.stamp_count, c.points_balance, l.*
         FROM touched t
         JOIN loyalty_cards c ON c.id = t.card_id
         CROSS JOIN LATERAL (
           SELECT coalesce(sum(x.stamps_delta), 0)::int AS stamps, coalesce(sum(x.points_delta), 0)::int AS points,
                  (array_agg(x.stamps_after ORDER BY x.id DESC))[1] AS last_stamps,
                  (array_agg(x.points_after ORDER BY x.id DESC))[1] AS last_points
             FROM loyalty_transactions x WHERE x.card_id = c.id) l)
     SELECT count(*)::int AS cards,
            count(*) FILTER (WHERE stamp_count <> stamps OR points_balance <> points
                               OR stamp_count <> last_stamps OR points_balance <> last_points)::int AS mismatched,
            (array_agg(card_number || ': stamps ' || stamp_count || ' vs ledger ' || stamps ||
                       ', points ' || points_balance || ' vs ledger ' || points)
               FILTER (WHERE stamp_count <> stamps OR points_balance <> points
                         OR stamp_count <> last_stamps OR points_balance <> last_points))[1:5] AS sample
       FROM checked`,
    [afterId],
  );
  return {
    rowsWritten: types.reduce((sum, t) => sum + t.n, 0),
    byType: Object.fromEntries(types.map((t) => [t.type, t.n])),
    cardsTouched: rows[0].cards,
    mismatched: rows[0].mismatched,
    sample: rows[0].sample ?? [],
  };
}

// ---------------------------------------------------------------------------
// Our server: log in
// ---------------------------------------------------------------------------

async function login(port: number, email: string, password: string): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: gql(
      `mutation BenchLogin($email: EmailAddress!, $password: String!) {
         login(input: { email: $email, password: $password }) { token userErrors { code message } user { role } }
       }`,
      { email, password },
    ),
  });
  const body: Json = await res.json();
  const token: string | undefined = body?.data?.login?.token;
  if (!token) {
    throw new UsageError(
      `login as ${email} failed (${JSON.stringify(body?.data?.login?.userErrors ?? body?.errors)}): ` +
        'is the database seeded by `npm run seed:bench`? (or set BENCH_ADMIN_EMAIL / BENCH_ADMIN_PASSWORD)',
    );
  }
  if (body.data.login.user?.role !== 'ADMIN') console.log(`note: ${email} is ${body.data.login.user?.role}, not ADMIN`);
  return token;
}

// ---------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------

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

function table(all: Cell[], scenarios: ScenarioName[]): string {
  const lines = [
    '| scenario | conns | target | req/s (median) | req/s per repeat | p50 ms | p99 ms | SQL/req | non-2xx | errors | RSS MB | ours ÷ target req/s | ours ÷ target p99 |',
    '|---|---:|---|---:|---|---:|---:|---|---:|---:|---:|---:|---:|',
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
          `${fmt(median(cell.runs.map((r) => r.rssPeakKb)) / 1024)} | ` +
          `${isOurs || !ours ? '—' : fmtRatio(ours.rps / cell.rps)} | ${isOurs || !ours ? '—' : fmtRatio(ours.p99 / cell.p99)} |`,
      );
    }
  }
  return lines.join('\n');
}

function targetChecks(all: Cell[], ledger: LedgerCheck | null, writeRan: boolean): string[] {
  const out: string[] = [];
  const mark = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
  for (const cell of all.filter((c) => c.target === 'orion' && c.scenario !== WRITE_SCENARIO)) {
    const pg = all.find(
      (c) => c.target === 'postgraphile' && c.scenario === cell.scenario && c.connections === cell.connections,
    );
    // stores20 is there to show the statement count does not grow with the page: its speed is no target.
    const speedTarget = cell.scenario !== 'stores20';
    const judge = (ok: boolean) => (speedTarget ? mark(ok) : 'INFO');
    if (pg) {
      out.push(
        `${judge(cell.rps >= pg.rps)} ${cell.scenario} c=${cell.connections}: req/s ${fmtRatio(cell.rps / pg.rps)} PostGraphile (≥ 1.00×)`,
      );
      out.push(
        `${judge(cell.p99 <= pg.p99)} ${cell.scenario} c=${cell.connections}: p99 ${fmt(cell.p99, 1)} ms vs PostGraphile ${fmt(pg.p99, 1)} ms (no worse)`,
      );
    }
    const limit = cell.scenario === 'card_lookup' ? 3 : 5;
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
  if (writeRan) {
    for (const cell of all.filter((c) => c.scenario === WRITE_SCENARIO)) {
      out.push(
        `${mark(cell.rps >= 1000)} ${WRITE_SCENARIO} c=${cell.connections}: ${fmt(cell.rps)} mutations/s (≥ 1,000)`,
      );
      const e = cellErrors(cell);
      out.push(
        `${mark(e.non2xx + e.errors === 0)} ${WRITE_SCENARIO} c=${cell.connections}: ${e.non2xx} non-2xx, ${e.errors} errors${e.detail ? ` (${e.detail})` : ''}`,
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
    ...block('PostGraphile — stores100 / stores20', 'graphql', PG_STORES),
    ...block('baseline — GET /stores?first=N', 'sql', STORES_SQL),
    ...block('orion — card_lookup', 'graphql', ORION_CARD),
    ...block('PostGraphile — card_lookup', 'graphql', PG_CARD),
    ...block('baseline — GET /card?number=X', 'sql', CARD_SQL),
    ...block('orion — stamp_and_points', 'graphql', `${ORION_STAMP}\n\n${ORION_POINTS}`),
  ];
}

// ---------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------

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

  const runsPerRepeat = s.connections.length * (readScenarios.length * TARGETS.length + (writeOn ? 1 : 0));
  const warmups = (readScenarios.length * TARGETS.length + (writeOn ? 1 : 0)) * s.warmupSeconds;
  const estimate = runsPerRepeat * s.repeats * (s.seconds + 1) + warmups + 60;
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
  const ports = { orion: await freePort(), postgraphile: await freePort(), baseline: await freePort() };
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
  const postgraphile = startChild(
    'postgraphile',
    scripts.postgraphile,
    { ...peerEnv, POSTGRAPHILE_RLS: s.postgraphileRls ? '1' : '0', POSTGRAPHILE_USER_ID: String(info.adminId) },
    ports.postgraphile,
    logDir,
  );
  const baseline = startChild('baseline', scripts.baseline, peerEnv, ports.baseline, logDir);
  const byName: Record<TargetName, Child> = { orion, postgraphile, baseline };
  console.log(
    `servers: orion :${ports.orion}, postgraphile :${ports.postgraphile}, baseline :${ports.baseline}; logs in ${logDir}`,
  );
  await Promise.all([
    waitReady(orion, async () => (await fetch(`http://127.0.0.1:${ports.orion}/healthz`)).ok),
    waitReady(postgraphile, async () => {
      const res = await fetch(`http://127.0.0.1:${ports.postgraphile}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"query":"{ __typename }"}',
      });
      return res.ok;
    }),
    waitReady(baseline, async () => (await fetch(`http://127.0.0.1:${ports.baseline}/healthz`)).ok),
  ]);
  console.log(`ready after ${((Date.now() - started) / 1000).toFixed(1)} s`);

  // 3. Log in, check the answers agree.
  const token = await login(ports.orion, s.adminEmail, s.adminPassword);
  const fx: Fixture = { token, cardNumbers, stampPool: stamp.pool };
  const equivalence = await checkEquivalence(ports, fx, s.scenarios);
  if (equivalence.length) for (const note of equivalence) console.log(`warning: ${note}`);
  else if (readScenarios.length) console.log('answers: all targets answer the same stores and cards');

  // 4. Warm up, then the measured repeats, targets alternating (the order rotates each repeat).
  const runs: Run[] = [];
  if (s.warmupSeconds > 0 && readScenarios.length > 0) {
    for (const scenario of readScenarios) {
      for (const target of TARGETS) {
        await load(byName[target], readWorkload(scenario, target, fx), maxConn, s.warmupSeconds);
      }
    }
    console.log(`warm-up done (${s.warmupSeconds} s per target and scenario at ${maxConn} connections)`);
  }
  for (let repeat = 1; repeat <= s.repeats; repeat++) {
    const order = TARGETS.map((_, i) => TARGETS[(i + repeat - 1) % TARGETS.length]);
    for (const connections of s.connections) {
      for (const scenario of readScenarios) {
        for (const target of order) {
          const result = await load(byName[target], readWorkload(scenario, target, fx), connections, s.seconds);
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
    const workload = writeWorkload(fx);
    if (s.warmupSeconds > 0) {
      await load(orion, workload, maxConn, s.warmupSeconds);
      writeTally.cutAtEnd += maxConn;
    }
    for (let repeat = 1; repeat <= s.repeats; repeat++) {
      for (const connections of s.connections) {
        const result = await load(orion, workload, connections, s.seconds);
        writeTally.cutAtEnd += connections; // at most one request per connection is cut when a run ends
        const run: Run = { scenario: WRITE_SCENARIO, target: 'orion', connections, repeat, ...result };
        runs.push(run);
        console.log(`[repeat ${repeat}] ${describeRun(run)}`);
      }
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
  const all = cells(runs);
  const scenarioOrder = [...readScenarios, ...(writeOn ? [WRITE_SCENARIO] : [])] as ScenarioName[];
  const resultTable = table(all, scenarioOrder);
  const checks = targetChecks(all, ledger, writeOn);
  const cpu = os.cpus();
  const machine =
    `${cpu[0]?.model ?? 'unknown CPU'} (${cpu.length} logical CPUs), ${fmt(os.totalmem() / 2 ** 30, 1)} GiB RAM, ` +
    `${os.type()} ${os.release()}, Node ${process.version}, PostgreSQL ${info.pgVersion}`;
  const draft = [
    `# Benchmark results`,
    '',
    `${new Date().toISOString()} — ${machine}.`,
    '',
    `Data: ${fmt(info.merchants)} live merchants, ${fmt(info.liveStores)} live stores, ${fmt(info.liveCards)} live cards. ` +
      `Runs of ${s.seconds} s, ${s.repeats} repeats (medians shown), ${s.connections.join(' and ')} connections, ` +
      `${s.warmupSeconds} s warm-up; each server has ${s.poolSize} database connections and runs on ` +
      `\`node ${productionNodeFlags().join(' ')}\` (the flags of \`npm start\`); load generator autocannon in the ` +
      `same machine. Command: \`DATABASE_URL=… ${benchEnv()}npm run bench\`.`,
    '',
    resultTable,
    '',
    '"ours ÷ target": our median req/s (or p99) divided by that target\'s; req/s above 1.00× and p99 below 1.00× favour us. ' +
      'SQL/req from the `x-sql-statements` header of every response (BEGIN/COMMIT included); the peers count only ' +
      'the probes that compare the answers before the runs ("probes"), so that their timed runs carry no counting. ' +
      'RSS: peak resident memory of the server process during the run (median of repeats).',
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
    'Our server as the seeded ADMIN (bearer token), PostGraphile and the baseline without auth' +
      (s.postgraphileRls
        ? '; PostGraphile under the same row-level security policies as our ADMIN (`BENCH_POSTGRAPHILE_RLS=1`: ' +
          'each request a transaction whose `pgSettings` switch role and write the identity settings)'
        : "; PostGraphile as the tables' owner, under no policy") +
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
