import type { Logger as Pino } from 'pino';
import type { Logger, QueryRunner } from 'typeorm';

import { requestOf, type RequestStore } from '../common/request-store';

/**
 * Counts one SQL statement into the request it runs for (none outside
 * requests): the one place a request's statement count (`sqlStatements`,
 * the `x-sql-statements` header) is kept. TypeORM's statements reach it
 * through CountingLogger; the lean reads (src/db/lean.ts) and the request
 * transaction's own control statements (src/db/request-transaction.ts),
 * which TypeORM never sees, call it themselves.
 */
export function countStatement(request: RequestStore | undefined): void {
  if (request) request.sqlStatements += 1;
}

/**
 * TypeORM logger that counts every statement TypeORM runs into the current
 * request (countStatement); slow queries and errors go to the application log.
 */
export class CountingLogger implements Logger {
  constructor(private readonly appLog?: Pino) {}

  logQuery(_query: string, _parameters?: unknown[], queryRunner?: QueryRunner): void {
    countStatement(requestOf(queryRunner));
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
