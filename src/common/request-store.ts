import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What the current request carries through async calls that have no context
 * argument: the TypeORM logger counts SQL statements into it and the
 * soft-delete subscriber reads the acting user from it.
 */
export interface RequestStore {
  requestId: string;
  userId: number | null;
  sqlStatements: number;
}

export const requestStorage = new AsyncLocalStorage<RequestStore>();

export function currentRequest(): RequestStore | undefined {
  return requestStorage.getStore();
}
