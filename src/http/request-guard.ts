import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

import type { Logger } from 'pino';

/** A GraphQL-shaped JSON error answer: `{ errors: [{ message, extensions: { code } }] }`. */
export function sendJsonError(res: ServerResponse, status: number, code: string, message: string): void {
  const body = JSON.stringify({ errors: [{ message, extensions: { code } }] });
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/**
 * Answers a request whose handling failed unexpectedly: the error is logged
 * with the request id, the client gets a 500 that names no internals (or its
 * connection is cut when the answer had already begun), the process stays up.
 */
export function failRequest(log: Logger, req: IncomingMessage, res: ServerResponse, error: unknown): void {
  try {
    (req.log ?? log).error({ err: error }, 'request failed');
    if (!res.headersSent) sendJsonError(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
    else res.destroy();
  } catch {
    res.destroy();
  }
}

/**
 * The server's request listener with nothing escaping it: a synchronous
 * throw or a rejected promise of `listener` answers that one request through
 * `failRequest` instead of reaching the process's `uncaughtException` /
 * `unhandledRejection` (which would stop the server for every client).
 */
export function guardedListener(
  log: Logger,
  listener: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>,
): RequestListener {
  return (req, res) => {
    try {
      const pending = listener(req, res);
      if (pending) pending.catch((error: unknown) => failRequest(log, req, res, error));
    } catch (error) {
      failRequest(log, req, res, error);
    }
  };
}
