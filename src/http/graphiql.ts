import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { constants, gzip } from 'node:zlib';

// Dual package: from CommonJS this resolves to its `require` build (cjs/index.js); no ESM loading involved.
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import type express from 'express';

const gzipAsync = promisify(gzip);

type GraphiQLOptions = NonNullable<Parameters<typeof renderGraphiQL>[0]>;

/** The page inlines its script, styles, fonts (data:) and Monaco workers (blob:); it only talks to 'self'. */
export const GRAPHIQL_CSP = [
  "default-src 'none'",
  "script-src 'self' 'unsafe-inline' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

interface Page {
  raw: Buffer;
  gzipped: Buffer;
  etag: string;
}

/**
 * Serves GraphiQL (from `@graphql-yoga/render-graphiql`, no CDN) for browser
 * GETs (`Accept` includes text/html); calls `next()` for anything else, so it
 * can sit in front of the GraphQL endpoint on the same path. The page, megabytes
 * of inlined script (see bench/RESULTS.md), is rendered and gzipped (off the
 * event loop) once, on the first request, then served from memory with an
 * ETag.
 */
export function graphiqlHandler(
  endpoint: string,
  options: Omit<GraphiQLOptions, 'endpoint'> = {},
): express.RequestHandler {
  if (!endpoint.startsWith('/') || /[<>"'\s]/.test(endpoint)) {
    throw new Error(`graphiqlHandler: endpoint must be a plain absolute path, got "${endpoint}"`);
  }
  let page: Promise<Page> | undefined;
  const build = async (): Promise<Page> => {
    const html = renderGraphiQL({
      title: 'Orion GraphQL',
      defaultQuery:
        '# Orion GraphQL\n#\n# Press the play button (or Ctrl-Enter) to run a query.\n\nquery {\n  __typename\n}\n',
      ...options,
      endpoint,
    });
    const raw = Buffer.from(html, 'utf8');
    const gzipped = await gzipAsync(raw, { level: constants.Z_BEST_COMPRESSION });
    const etag = `"${createHash('sha256').update(raw).digest('base64url').slice(0, 27)}"`;
    return { raw, gzipped, etag };
  };

  return (req, res, next) => {
    if (req.method !== 'GET' || !(req.headers.accept ?? '').includes('text/html')) return next();
    page ??= build().catch((err: unknown) => {
      page = undefined; // retry on the next request
      throw err;
    });
    page.then((p) => {
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.setHeader('Content-Security-Policy', GRAPHIQL_CSP);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Referrer-Policy', 'no-referrer');
      res.setHeader('Cache-Control', 'no-cache');
      res.setHeader('ETag', p.etag);
      res.setHeader('Vary', 'Accept, Accept-Encoding');
      const ifNoneMatch = req.headers['if-none-match'];
      if (ifNoneMatch && ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === p.etag)) {
        res.status(304).end();
        return;
      }
      // No Accept-Encoding header: send the raw page (curl, scripts) rather than RFC's "anything goes".
      const useGzip = Boolean(req.headers['accept-encoding']) && req.acceptsEncodings('gzip') === 'gzip';
      const body = useGzip ? p.gzipped : p.raw;
      if (useGzip) res.setHeader('Content-Encoding', 'gzip');
      res.setHeader('Content-Length', body.length);
      res.status(200).end(body);
    }, next);
  };
}
