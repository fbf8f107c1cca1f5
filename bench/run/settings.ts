/** The settings of a bench run, read from the environment (DATABASE_URL and the BENCH_* variables). */

export class UsageError extends Error {}

function intEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

export const TARGETS = ['orion', 'postgraphile', 'postgraphile5', 'baseline'] as const;
export type TargetName = (typeof TARGETS)[number];

export const READ_SCENARIOS = ['stores100', 'stores20', 'card_lookup'] as const;
export const WRITE_SCENARIO = 'stamp_and_points';
/**
 * The write scenario under contention, run with it: 50 connections over the
 * first 11 cards of its pool (odd, so a card alternates stamp and points), so
 * that every card's row lock is fought over.
 */
export const CONTENDED_SCENARIO = 'stamp_contended';
export const CONTENDED = { cards: 11, connections: 50 } as const;
export type ScenarioName = (typeof READ_SCENARIOS)[number] | typeof WRITE_SCENARIO | typeof CONTENDED_SCENARIO;
const ALL_SCENARIOS: ScenarioName[] = [...READ_SCENARIOS, WRITE_SCENARIO];

export function settings() {
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
    /** Both PostGraphiles under our row-level security policies, as our ADMIN (see bench/postgraphile.ts). */
    postgraphileRls: process.env.BENCH_POSTGRAPHILE_RLS === '1',
  };
}
export type Settings = ReturnType<typeof settings>;
