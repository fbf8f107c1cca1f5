import type { Logger, QueryRunner } from 'typeorm';
import type { Logger as Pino } from 'pino';
import { requestOf } from '../common/request-store';

/**
 * TypeORM logger that counts every statement (BEGIN/COMMIT included) into the
 * current request, so tests and benchmarks can report SQL statements per
 * request; slow queries and errors go to the application log.
 */
export class CountingLogger implements Logger {
  constructor(private readonly appLog?: Pino) {}

  logQuery(_query: string, _parameters?: unknown[], queryRunner?: QueryRunner): void {
    const store = requestOf(queryRunner);
    if (store) store.sqlStatements += 1;
  }

  logQueryError(error: string | Error, query: string, _params?: unknown[], _qr?: QueryRunner): void {
    this.appLog?.debug({ err: error, query }, 'query failed');
  }

  logQuerySlow(time: number, query: string): void {
    this.appLog?.warn({ time, query }, 'slow query');
  }

  logSchemaBuild(): void {}
  logMigration(message: string): void {
    this.appLog?.info({ migration: message }, 'migration');
  }
  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.appLog?.warn({ typeorm: message }, 'typeorm warning');
  }
}
