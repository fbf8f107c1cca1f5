import type { DataSource, EntityManager } from 'typeorm';
import type { Logger } from 'pino';
import type { Config } from './config';
import type { RequestStore } from './common/request-store';
import type { Limits } from './limits/limits';
import { Loaders } from './loaders/loaders';
import { loadViewer, type Viewer } from './services/tenancy/viewer';
import { resolvePlatformContext, type PlatformContext } from './services/tenancy/platform-context';

/**
 * Everything one request carries: who calls (resolved lazily, once), which
 * platform and store the URL names, and the request's DataLoaders.
 */
export interface Context {
  /** The request's id, its acting user and SQL statement count (src/common/request-store.ts). */
  request: RequestStore;
  config: Config;
  dataSource: DataSource;
  manager: EntityManager;
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
  tokenUserId: number | null;
  /** The viewer of a valid API key, already loaded by authentication. */
  apiKeyViewer?: Viewer | null;
  platformCode: string | null;
  host: string | null;
  clientAddress: string | null;
  limits: Limits;
}): Context {
  const manager = input.dataSource.manager;
  const viewer = once(async () => {
    if (input.apiKeyViewer) return input.apiKeyViewer;
    return input.tokenUserId === null ? null : loadViewer(manager, input.tokenUserId);
  });
  // A signed-in user's viewer statement also reads the catalogue's version (see Loaders.catalog).
  const loaders = new Loaders(manager, async () =>
    input.tokenUserId === null ? null : ((await viewer())?.catalogVersion ?? null),
  );
  return {
    request: input.request,
    config: input.config,
    dataSource: input.dataSource,
    manager,
    log: input.log,
    loaders,
    tokenUserId: input.tokenUserId,
    clientAddress: input.clientAddress,
    limits: input.limits,
    viewer,
    platformContext: once(() =>
      resolvePlatformContext(manager, { platformCode: input.platformCode, host: input.host }),
    ),
  };
}
