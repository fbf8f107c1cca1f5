import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import pino, { type Logger } from 'pino';
import { pinoHttp, type HttpLogger } from 'pino-http';
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

/**
 * pino-http middleware: gives every request an id (a sane incoming
 * `x-request-id`, else a random UUID), echoes it in the `x-request-id`
 * response header, exposes `req.log` (a child logger carrying `reqId`) and
 * logs one line per finished request. Successful health probes log at debug.
 */
export function httpLogger(log: Logger): HttpLogger {
  return pinoHttp({
    logger: log,
    quietReqLogger: true,
    genReqId(req: IncomingMessage, res: ServerResponse) {
      const incoming = req.headers['x-request-id'];
      const id = typeof incoming === 'string' && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
      res.setHeader('x-request-id', id);
      return id;
    },
    customLogLevel(req, res, err) {
      if (err || res.statusCode >= 500) return 'error';
      if (res.statusCode >= 400) return 'warn';
      if (PROBES.has(pathOf(req))) return 'debug';
      return 'info';
    },
    customSuccessMessage: (req, res, responseTime) =>
      `${req.method} ${pathOf(req)} ${res.statusCode} ${Math.round(responseTime)}ms`,
    customErrorMessage: (req, res, err) => `${req.method} ${pathOf(req)} ${res.statusCode} failed: ${err.message}`,
    serializers: {
      req: (req: { method?: string; remoteAddress?: string; raw: IncomingMessage }) => ({
        method: req.method,
        path: pathOf(req.raw),
        remoteAddress: req.remoteAddress,
        userAgent: req.raw.headers['user-agent'],
      }),
      res: (res: { statusCode?: number; raw: ServerResponse }) => ({
        statusCode: res.statusCode,
        contentLength: res.raw.getHeader('content-length'),
      }),
    },
  });
}
