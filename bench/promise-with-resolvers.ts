/**
 * `Promise.withResolvers` (ES2024, Node 22) for PostGraphile v5 on Node 20.
 * Imported first by bench/postgraphile5.ts, and only there: no other process
 * of the bench sees it.
 */
const P = Promise as unknown as { withResolvers?: unknown };

if (typeof P.withResolvers !== 'function') {
  P.withResolvers = function withResolvers<T>() {
    let resolve!: (value: T | PromiseLike<T>) => void;
    let reject!: (reason?: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

export {};
