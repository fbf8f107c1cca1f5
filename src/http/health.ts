import express from 'express';
import type { DataSource } from 'typeorm';

const DB_CHECK_TIMEOUT_MS = 2000;

class Timeout extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Timeout(`${what} timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * `GET /healthz`: the process is up (liveness; never touches the database).
 * `GET /readyz`: `SELECT 1` answers within 2 s and no migration is pending
 * (readiness). Concurrent probes share one check, so a hanging database does
 * not pile up queries; once migrations are seen applied, that is cached.
 */
export function healthRoutes(dataSource: DataSource, options: { timeoutMs?: number } = {}): express.Router {
  const timeoutMs = options.timeoutMs ?? DB_CHECK_TIMEOUT_MS;
  const router = express.Router();
  let migrationsApplied = false;
  let inflight: Promise<string | undefined> | undefined;

  async function check(): Promise<string | undefined> {
    if (!dataSource.isInitialized) return 'database not initialised';
    try {
      await withTimeout(dataSource.query('SELECT 1'), timeoutMs, 'database check');
    } catch (err) {
      return err instanceof Timeout ? err.message : `database unreachable: ${(err as Error).message}`;
    }
    if (!migrationsApplied) {
      try {
        const pending = await withTimeout(dataSource.showMigrations(), timeoutMs, 'migration check');
        if (pending) return 'pending migrations';
        migrationsApplied = true;
      } catch (err) {
        return err instanceof Timeout ? err.message : `migration check failed: ${(err as Error).message}`;
      }
    }
    return undefined;
  }

  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });

  router.get('/readyz', async (_req, res) => {
    inflight ??= check().finally(() => {
      inflight = undefined;
    });
    const reason = await inflight;
    res.set('Cache-Control', 'no-store');
    if (reason) res.status(503).json({ status: 'unavailable', reason });
    else res.json({ status: 'ready' });
  });

  return router;
}
