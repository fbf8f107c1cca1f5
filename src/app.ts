import type { IncomingMessage, RequestListener } from 'node:http';

import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import express from 'express';
import { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';

import type { RequestStore } from './common/request-store';
import type { Config } from './config';
import { type Context, createContext } from './context';
import { jitGateway, stringifyResult } from './graphql-jit-executor';
import { aliasLimitRule, formatError, requestRulesPlugin } from './graphql-rules';
import { authenticate, InvalidTokenError } from './http/authenticate';
import { customerExportHandler } from './http/customer-export';
import { graphiqlHandler } from './http/graphiql';
import { graphqlHandler, graphqlPathPlatform } from './http/graphql-post';
import { healthRoutes } from './http/health';
import { failRequest, guardedListener } from './http/request-guard';
import { memoryBuckets, redisBuckets } from './limits/cost-bucket';
import { costLimitPlugin } from './limits/cost-plugin';
import { createLimits, type Limits } from './limits/limits';
import { payers } from './limits/payer';
import { httpLogger } from './logger';
import { createSchema } from './schema';

export interface AppDeps {
  dataSource: DataSource;
  config: Config;
  log: Logger;
}

/**
 * The context of an HTTP request: its bearer token's user or API key
 * (InvalidTokenError for a bad one; a key is checked by opening the request's
 * transaction) and platform. The caller ends the context's transaction.
 */
export async function requestContext(
  { dataSource, config, log, limits }: AppDeps & { limits: Limits },
  req: IncomingMessage,
  platformCode: string | null,
): Promise<Context> {
  const request: RequestStore = { userId: null, sqlStatements: 0 };
  const credential = await authenticate(config, req);
  request.userId = credential?.kind === 'user' ? credential.userId : null;
  const context = createContext({
    request,
    config,
    dataSource,
    log: req.log ?? log,
    credential,
    platformCode,
    host: req.headers.host ?? null,
    clientAddress: req.socket?.remoteAddress ?? null,
    limits,
  });
  if (credential?.kind === 'apiKey' && !(await context.viewer())) {
    await context.transaction.finish(false);
    throw new InvalidTokenError();
  }
  return context;
}

/**
 * The HTTP handler: request ids and JSON logs, then POSTs to the GraphQL
 * paths straight to Apollo (src/http/graphql-post.ts) and everything else
 * through Express 5: health probes, GraphiQL and GET queries on the GraphQL
 * paths, the customer CSV export.
 */
export async function createApp(deps: AppDeps): Promise<{ handler: RequestListener; stop: () => Promise<void> }> {
  const { config, log } = deps;
  const limits = await createLimits(config, log);
  const requestDeps = { ...deps, limits };
  const apollo = new ApolloServer<Context>({
    gateway: jitGateway(await createSchema({ testClock: config.testClock })),
    // The compiled operation's serializer writes the answer's data (src/graphql-jit-executor.ts).
    stringifyResult,
    formatError: formatError(log, config.nodeEnv === 'development'),
    includeStacktraceInErrorResponses: config.nodeEnv === 'development',
    introspection: true,
    // Past this many tokens the parser stops with GRAPHQL_PARSE_FAILED, before its recursion can exhaust the stack.
    parseOptions: { maxTokens: config.maxQueryTokens },
    validationRules: [aliasLimitRule(config.maxAliases)],
    // main.ts owns the signals: it drains HTTP before Apollo stops.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      // No HTTP caching of GraphQL responses here; the default plugin walks every field for hints.
      ApolloServerPluginCacheControlDisabled(),
      // Ahead of the plugins that read the viewer, which opens the request's transaction.
      {
        async requestDidStart() {
          return {
            async didResolveOperation({ operation, contextValue }) {
              if (operation?.operation !== 'mutation') (contextValue as Context).transaction.willNotWrite();
            },
          };
        },
      },
      requestRulesPlugin({ maxDepth: config.maxQueryDepth, guardSchemaFromAnonymous: config.isProduction }),
      costLimitPlugin({
        maxCost: config.maxQueryCost,
        buckets: limits.redis ? redisBuckets(limits.redis, `${limits.keyPrefix}cost:`) : memoryBuckets(),
        payerOf: payers(),
      }),
      {
        async requestDidStart() {
          return {
            async willSendResponse({ response, contextValue, operation }) {
              // contextValue is missing when the context could not be built (a bad token).
              const context = contextValue as Context | undefined;
              if (!context) return;
              const readOnly = operation?.operation !== 'mutation';
              const committing = context.transaction.finish(true);
              if (config.exposeSqlCount)
                response.http.headers.set('x-sql-statements', String(context.request.sqlStatements));
              // The answer leaves once the transaction is committed: a mutation reported done is durable, and
              // an API key's last-use stamp is visible to the next request. A READ ONLY transaction costs no
              // wait: its end goes out with the connection's next use (src/db/deferred-commit.ts).
              try {
                await committing;
              } catch (err) {
                context.log.error({ err }, 'request transaction failed to commit');
                if (readOnly) return;
                response.http.status = 500;
                response.body = {
                  kind: 'single',
                  singleResult: {
                    errors: [
                      {
                        message: 'Internal server error: nothing was saved',
                        extensions: { code: 'INTERNAL_SERVER_ERROR' },
                      },
                    ],
                  },
                };
              }
            },
          };
        },
      },
    ],
  });
  await apollo.start();
  const graphql = graphqlHandler(
    apollo,
    async (req, platformCode) => {
      try {
        return await requestContext(requestDeps, req, platformCode);
      } catch (error) {
        if (!(error instanceof InvalidTokenError)) throw error;
        throw new GraphQLError(error.message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
      }
    },
    // A transaction the answer did not commit (an error on the way) is rolled back.
    { log, maxTokens: config.maxQueryTokens, release: (context) => context.transaction.finish(false) },
  );

  const logRequest = httpLogger(log);

  const app = express();
  app.disable('x-powered-by');
  // Responses are per-viewer API answers: an ETag would cost a SHA-1 of every body and serve no cache.
  app.set('etag', false);
  app.use(healthRoutes(deps.dataSource));
  // The GraphQL paths (graphqlPathPlatform) for what the listener below sends here: GraphiQL for a browser's
  // GET, Apollo for the rest (GET queries).
  const graphiql = graphiqlHandler('/graphql');
  app.use((req, res, next) => {
    const platformCode = graphqlPathPlatform(req.url);
    if (platformCode === undefined) return next();
    graphiql(req, res, (error?: unknown) => (error ? next(error) : graphql(req, res, platformCode).catch(next)));
  });
  app.get(
    '/stores/:storeId/customers.csv',
    customerExportHandler((req) => requestContext(requestDeps, req, null)),
  );

  // Express's own answer to a route that threw would be an HTML page (with the stack outside production).
  app.use((error: unknown, req: express.Request, res: express.Response, _next: express.NextFunction) =>
    failRequest(log, req, res, error),
  );

  const handler = guardedListener(log, (req, res) =>
    logRequest(req, res, () => {
      const platformCode = req.method === 'POST' ? graphqlPathPlatform(req.url) : undefined;
      if (platformCode === undefined) app(req, res);
      else return graphql(req, res, platformCode);
    }),
  );
  return {
    handler,
    stop: async () => {
      await apollo.stop();
      await limits.stop();
    },
  };
}
