import type { IncomingMessage, ServerResponse } from 'node:http';

import { type ApolloServer, type BaseContext, HeaderMap } from '@apollo/server';
import type { Logger } from 'pino';

import { nestingRefusal } from '../graphql-rules';
import { failRequest, sendJsonError } from './request-guard';

const BODY_LIMIT = 1024 * 1024;

/**
 * The GraphQL paths: `/graphql` and `/platforms/{code}/graphql`, in any case
 * (as Express matched them), a trailing slash and a query string allowed.
 * The one definition: the app routes POSTs straight from the socket and
 * everything else through Express by it (src/app.ts).
 */
const GRAPHQL_PATH = /^\/(?:platforms\/([^/?]+)\/)?graphql\/?(?:\?.*)?$/i;

/**
 * The platform code a GraphQL path names (null for `/graphql`), percent-decoded;
 * undefined when `url` is not a GraphQL path (nor is one whose code does not decode).
 */
export function graphqlPathPlatform(url: string | undefined): string | null | undefined {
  const match = GRAPHQL_PATH.exec(url ?? '');
  if (!match) return undefined;
  if (match[1] === undefined) return null;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return undefined;
  }
}

class BodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const isJson = (contentType: string | undefined) =>
  !!contentType && /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(contentType);

/** The parsed JSON body of a JSON request (undefined for another content type, which Apollo then refuses). */
async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  if (!isJson(req.headers['content-type'])) return undefined;
  const encoding = req.headers['content-encoding'];
  if (encoding && encoding.toLowerCase() !== 'identity') {
    throw new BodyError(415, `Content-Encoding ${encoding} is not supported`);
  }
  if (Number(req.headers['content-length'] ?? 0) > BODY_LIMIT) {
    throw new BodyError(413, `The request body is larger than ${BODY_LIMIT} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > BODY_LIMIT) throw new BodyError(413, `The request body is larger than ${BODY_LIMIT} bytes`);
    chunks.push(chunk);
  }
  const text = (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BodyError(400, `The request body is not valid JSON: ${(error as Error).message}`);
  }
}

const queryParam = (search: string): string | null => (search ? new URLSearchParams(search).get('query') : null);

/**
 * The GraphQL endpoint on Apollo's `executeHTTPGraphQLRequest`, for any
 * method (Apollo answers GET queries and refuses what it does not serve): a
 * POST's JSON body read here (1 MB limit; 413, 415 and a 400 for malformed
 * JSON answered as GraphQL errors), a query nested too deep to parse safely
 * refused (400, QUERY_TOO_COMPLEX), headers handed over as they are, the
 * answer written with one `end`. The app calls it for POSTs straight from the
 * socket: Express for this one route (router, body-parser, the Express
 * integration's url.parse and res.send) was a large share of the CPU of a
 * small query (see bench/RESULTS.md). Everything else, GET on these paths
 * included, goes through Express.
 */
export function graphqlHandler<TContext extends BaseContext>(
  apollo: ApolloServer<TContext>,
  context: (req: IncomingMessage, platformCode: string | null) => Promise<TContext>,
  {
    log,
    maxTokens,
    release,
  }: {
    log: Logger;
    maxTokens: number;
    /** Called once the answer is written or failed, with the context if one was made (ends its transaction). */
    release: (context: TContext) => Promise<void>;
  },
) {
  return async (req: IncomingMessage, res: ServerResponse, platformCode: string | null): Promise<void> => {
    let made: TContext | undefined;
    try {
      const body = req.method === 'POST' ? await readJsonBody(req) : undefined;
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
      }
      const queryAt = req.url!.indexOf('?');
      const search = queryAt === -1 ? '' : req.url!.slice(queryAt);
      const source = req.method === 'POST' ? (body as { query?: unknown } | undefined)?.query : queryParam(search);
      const tooDeep = typeof source === 'string' ? nestingRefusal(source, maxTokens) : null;
      if (tooDeep) return sendJsonError(res, 400, 'QUERY_TOO_COMPLEX', tooDeep);
      const response = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method!.toUpperCase(), headers, search, body },
        context: async () => (made = await context(req, platformCode)),
      });
      res.statusCode = response.status ?? 200;
      for (const [key, value] of response.headers) res.setHeader(key, value);
      if (response.body.kind === 'complete') {
        res.setHeader('content-length', Buffer.byteLength(response.body.string));
        res.end(response.body.string);
        return;
      }
      for await (const chunk of response.body.asyncIterator) res.write(chunk);
      res.end();
    } catch (error) {
      if (error instanceof BodyError) return sendJsonError(res, error.status, 'BAD_REQUEST', error.message);
      failRequest(log, req, res, error);
    } finally {
      if (made) await release(made).catch((err) => log.error({ err }, 'request context release failed'));
    }
  };
}
