import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import pino, { type Logger } from 'pino';

import type { Config } from './config';

export type { Logger };

/**
 * JSON logger on stdout; one object per line, level as a label, ISO time.
 * Writes synchronously: lines keep their order and none is lost on `process.exit()`.
 */
export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino(
    {
      level: config.logLevel,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'res.headers["set-cookie"]',
          '*.password',
          'password',
        ],
        censor: '[redacted]',
      },
    },
    pino.destination({ dest: 1, sync: true }),
  );
}

/** A request id we accept from a client or proxy: short, no spaces or control characters. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,100}$/;
const PROBES = new Set(['/healthz', '/readyz']);

function pathOf(req: IncomingMessage): string {
  const url = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

declare module 'http' {
  interface IncomingMessage {
    /** The request id, echoed in `x-request-id`. */
    id: string;
    /** A child logger carrying `reqId`. */
    log: Logger;
  }
}

const levelOf = (status: number, path: string): 'error' | 'warn' | 'info' | 'debug' =>
  status >= 500 ? 'error' : status >= 400 ? 'warn' : PROBES.has(path) ? 'debug' : 'info';

/**
 * Request logging middleware: gives every request an id (a sane incoming
 * `x-request-id`, else a random UUID), echoes it in the `x-request-id`
 * response header, exposes `req.log` (a child logger carrying `reqId`) and
 * logs one line per finished or aborted request (successful health probes at
 * debug). Replaces pino-http, which serialises the request and wraps the
 * response eagerly, a visible share of a small request's CPU even when the
 * line is not written (see bench/RESULTS.md). Here nothing is formatted for a
 * level that is off.
 */
export function httpLogger(log: Logger) {
  // The request line holds no header, body or argument, nothing the redaction paths name: it is written without
  // the redaction pass (a fifth of the line's CPU), with the request id where req.log's binding would put it.
  const lines = log.child({}, { redact: { paths: [] } });
  return <T>(req: IncomingMessage, res: ServerResponse, next: () => T): T => {
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('x-request-id', id);
    req.id = id;
    // A plain property: an accessor defined on each request gave each its own hidden class, which kept
    // every request's young objects alive across scavenges: more survivors, longer pauses, a worse p99
    // (see bench/RESULTS.md, step 19).
    req.log = log.child({ reqId: id });
    const start = performance.now();
    // Read now: once a response ends early (a 413 before the body was read), Node may have detached the socket.
    const remoteAddress = req.socket?.remoteAddress;
    res.once('close', () => {
      try {
        logFinished(lines, req, res, start, remoteAddress);
      } catch (err) {
        // An event listener's throw would reach uncaughtException and stop the server for everyone.
        log.error({ err, reqId: id }, 'request log line failed');
      }
    });
    return next();
  };
}

function logFinished(
  log: Logger,
  req: IncomingMessage,
  res: ServerResponse,
  start: number,
  remoteAddress: string | undefined,
): void {
  const path = pathOf(req);
  const finished = res.writableFinished;
  const level = finished ? levelOf(res.statusCode, path) : 'warn';
  if (!log.isLevelEnabled(level)) return;
  const responseTime = Math.round(performance.now() - start);
  log[level](
    {
      reqId: req.id,
      req: { method: req.method, path, remoteAddress, userAgent: req.headers['user-agent'] },
      res: { statusCode: res.statusCode, contentLength: res.getHeader('content-length') },
      responseTime,
    },
    finished
      ? `${req.method} ${path} ${res.statusCode} ${responseTime}ms`
      : `${req.method} ${path} aborted after ${responseTime}ms`,
  );
}
