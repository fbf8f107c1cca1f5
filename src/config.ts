import path from 'node:path';

/** Validated configuration. This module is the only reader of `process.env`. */
export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  isProduction: boolean;
  host: string;
  port: number;
  /** Unset: the server starts an embedded PostgreSQL in `embeddedPg.dir`. */
  databaseUrl: string | undefined;
  dbPoolSize: number;
  embeddedPg: { dir: string; port: number };
  jwt: { secret: string; expiresIn: string };
  admin: { email: string; password: string } | undefined;
  maxQueryDepth: number;
  /** Aliases an operation may use (`__typename` aliases are free). */
  maxAliases: number;
  /** The most an operation may cost (src/limits/query-cost.ts), whoever asks. */
  maxQueryCost: number;
  /** Tokens a GraphQL document may have: the parser stops past it (bounds parse time and nesting). */
  maxQueryTokens: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** Key of the staff PIN HMAC (STAFF_PIN_SECRET); a development default outside production. */
  staffPinSecret: string;
  /** Run the maintenance jobs on their schedule in this process (`JOBS=0` turns them off). */
  jobsEnabled: boolean;
  /** `TEST_CLOCK=1`: the schema gains `advanceTestClock`. Refused in production. */
  testClock: boolean;
  /** Length of the TRIAL a new store-platform membership starts with. */
  trialDays: number;
  /** Where rate-limit state lives so that every replica sees it; unset: in this process. */
  redisUrl: string | undefined;
  /** Prefix of every Redis key this server writes (several deployments, or test runs, may share one Redis). */
  redisKeyPrefix: string;
  /** Adds `x-sql-statements` to GraphQL responses (tests and benchmarks); off in production unless asked. */
  exposeSqlCount: boolean;
}

class ConfigError extends Error {}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0, max = 65535): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

function oneOf<T extends string>(env: NodeJS.ProcessEnv, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

const DEV_JWT_SECRET = 'orion-development-secret-do-not-use-in-production';

/** Reads and validates the environment; throws one clear message per problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const nodeEnv = oneOf(env, 'NODE_ENV', ['development', 'production', 'test'] as const, 'development');
  const isProduction = nodeEnv === 'production';

  const jwtSecret = env.JWT_SECRET || (isProduction ? undefined : DEV_JWT_SECRET);
  if (!jwtSecret) throw new ConfigError('JWT_SECRET is required when NODE_ENV=production');
  if (jwtSecret.length < 32) throw new ConfigError('JWT_SECRET must be at least 32 characters');

  const adminEmail = env.ADMIN_EMAIL || (isProduction ? undefined : 'admin@orion.lu');
  const adminPassword = env.ADMIN_PASSWORD || (isProduction ? undefined : 'orion-admin-password');
  if (Boolean(adminEmail) !== Boolean(adminPassword)) {
    throw new ConfigError('ADMIN_EMAIL and ADMIN_PASSWORD must be set together');
  }
  if (adminPassword && adminPassword.length < 8) {
    throw new ConfigError('ADMIN_PASSWORD must be at least 8 characters');
  }

  const staffPinSecret = env.STAFF_PIN_SECRET || (isProduction ? undefined : 'orion-development-staff-pin-secret');
  if (!staffPinSecret) throw new ConfigError('STAFF_PIN_SECRET is required when NODE_ENV=production');
  if (staffPinSecret.length < 32) throw new ConfigError('STAFF_PIN_SECRET must be at least 32 characters');

  const testClock = env.TEST_CLOCK === '1';
  if (testClock && isProduction) throw new ConfigError('TEST_CLOCK=1 is not allowed when NODE_ENV=production');

  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must be a postgres:// URL');
  }

  const redisUrl = env.REDIS_URL || undefined;
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl)) throw new ConfigError('REDIS_URL must be a redis:// URL');

  return {
    nodeEnv,
    isProduction,
    host: env.HOST || '127.0.0.1',
    port: int(env, 'PORT', 4000),
    databaseUrl,
    dbPoolSize: int(env, 'DB_POOL_SIZE', 10, 1, 200),
    embeddedPg: {
      dir: path.resolve(env.EMBEDDED_PG_DIR || path.join(process.cwd(), '.data', 'postgres')),
      port: int(env, 'EMBEDDED_PG_PORT', 54329, 1024),
    },
    jwt: { secret: jwtSecret, expiresIn: env.JWT_EXPIRES_IN || '12h' },
    admin: adminEmail && adminPassword ? { email: adminEmail.toLowerCase(), password: adminPassword } : undefined,
    maxQueryDepth: int(env, 'MAX_QUERY_DEPTH', 12, 2, 100),
    maxQueryTokens: int(env, 'MAX_QUERY_TOKENS', 5000, 200, 50_000),
    maxQueryCost: int(env, 'MAX_QUERY_COST', 50_000, 100, 10_000_000),
    maxAliases: int(env, 'MAX_ALIASES', 30, 1, 1_000),
    testClock,
    staffPinSecret,
    jobsEnabled: env.JOBS ? env.JOBS !== '0' : nodeEnv !== 'test',
    trialDays: int(env, 'TRIAL_DAYS', 30, 0, 365),
    redisUrl,
    redisKeyPrefix: env.REDIS_KEY_PREFIX || 'orion:',
    exposeSqlCount: env.EXPOSE_SQL_COUNT ? env.EXPOSE_SQL_COUNT === '1' : !isProduction,
    logLevel: oneOf(
      env,
      'LOG_LEVEL',
      ['debug', 'info', 'warn', 'error', 'silent'] as const,
      nodeEnv === 'test' ? 'silent' : 'info',
    ),
  };
}
