import './pg-types';

import path from 'node:path';

import type { Logger as Pino } from 'pino';
import { DataSource } from 'typeorm';

import { entities } from '../entities';
import { CatalogWriteSubscriber } from '../subscribers/catalog-write.subscriber';
import { SoftDeleteSubscriber } from '../subscribers/soft-delete.subscriber';
import { SnakeNamingStrategy } from './naming-strategy';
import { CountingLogger } from './query-counter';

/** The one DataSource shape, used by the app, the tests and the migration CLI. */
export function createDataSource(url: string, options: { poolSize?: number; log?: Pino } = {}): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities,
    subscribers: [SoftDeleteSubscriber, CatalogWriteSubscriber],
    migrations: [path.join(__dirname, '..', '..', 'migrations', '*.{ts,js}')],
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    namingStrategy: new SnakeNamingStrategy(),
    logger: new CountingLogger(options.log),
    maxQueryExecutionTime: 1000,
    uuidExtension: 'pgcrypto',
    // Pipelined connections: a query is sent without waiting for the one before it to finish, so a request's
    // transaction opening and its first statement share a round trip (src/db/request-transaction.ts); results
    // still come back in order, and a failed statement in a transaction fails the ones after it.
    extra: { max: options.poolSize ?? 10, pipeline: true },
  });
}
