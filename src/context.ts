import type { Logger } from 'pino';
import type { DataSource, EntityManager } from 'typeorm';

import type { RequestStore } from './common/request-store';
import type { Config } from './config';
import { RequestTransaction } from './db/request-transaction';
import type { Limits } from './limits/limits';
import { Loaders } from './loaders/loaders';
import { clock } from './services/clock';
import { type PlatformContext, resolvePlatformContext } from './services/tenancy/platform-context';
import { type Credential, type Viewer, viewerOpening } from './services/tenancy/viewer';

/**
 * Everything one request carries: its one transaction (opened on its first
 * statement with who calls, src/db/request-transaction.ts), which platform
 * and store the URL names, and the request's DataLoaders.
 */
export interface Context {
  /** The request's id, its acting user and SQL statement count (src/common/request-store.ts). */
  request: RequestStore;
  config: Config;
  /**
   * The request transaction's manager: every statement of the request runs
   * on it, and `manager.transaction` is a savepoint of the request's transaction.
   */
  manager: EntityManager;
  transaction: RequestTransaction<Viewer | null>;
  log: Logger;
  loaders: Loaders;
  /** The user id of a valid bearer token; null without one or for an API key. */
  tokenUserId: number | null;
  /** The peer address of the request's connection (the key of per-address limits). */
  clientAddress: string | null;
  /** The abuse limits' shared state (src/limits). */
  limits: Limits;
  viewer(): Promise<Viewer | null>;
  platformContext(): Promise<PlatformContext>;
}

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => (value ??= make());
}

export function createContext(input: {
  request: RequestStore;
  config: Config;
  dataSource: DataSource;
  log: Logger;
  credential: Credential;
  platformCode: string | null;
  host: string | null;
  clientAddress: string | null;
  limits: Limits;
}): Context {
  const { credential } = input;
  const transaction = new RequestTransaction(
    input.dataSource,
    input.request,
    viewerOpening(credential, () => clock.now()),
  );
  const { manager } = transaction;
  // Without a credential there is nobody to read: no statement for an anonymous caller's viewer.
  const viewer = credential ? () => transaction.value() : async () => null;
  const tokenUserId = credential?.kind === 'user' ? credential.userId : null;
  // A signed-in user's opening also reads the catalogue's version (see Loaders.catalog).
  const loaders = new Loaders(manager, async () =>
    tokenUserId === null ? null : ((await viewer())?.catalogVersion ?? null),
  );
  return {
    request: input.request,
    config: input.config,
    manager,
    transaction,
    log: input.log,
    loaders,
    tokenUserId,
    clientAddress: input.clientAddress,
    limits: input.limits,
    viewer,
    platformContext: once(() =>
      resolvePlatformContext(manager, loaders, { platformCode: input.platformCode, host: input.host }),
    ),
  };
}
