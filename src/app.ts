import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type Request } from 'express';
import { GraphQLError } from 'graphql';
import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import type { Config } from './config';
import { createContext, type Context } from './context';
import { currentRequest, requestStorage } from './common/request-store';
import { depthLimitPlugin, formatError } from './graphql-rules';
import { graphiqlHandler } from './http/graphiql';
import { healthRoutes } from './http/health';
import { httpLogger } from './logger';
import { createSchema } from './schema';
import { jitGateway } from './graphql-jit-executor';
import { authenticate, InvalidTokenError } from './http/authenticate';
import { customerExportHandler } from './http/customer-export';

export interface AppDeps {
  dataSource: DataSource;
  config: Config;
  log: Logger;
}

const GRAPHQL_PATHS = ['/graphql', '/platforms/:platformCode/graphql'];

/** The context of an HTTP request: its bearer token's user or API key (InvalidTokenError for a bad one) and platform. */
export async function requestContext({ dataSource, config, log }: AppDeps, req: Request): Promise<Context> {
  const credential = await authenticate(config, dataSource.manager, req);
  const tokenUserId = credential?.kind === 'user' ? credential.userId : null;
  const store = currentRequest();
  if (store) store.userId = tokenUserId;
  return createContext({
    requestId: String(req.id),
    config,
    dataSource,
    log: req.log ?? log,
    tokenUserId,
    apiKeyViewer: credential?.kind === 'apiKey' ? credential.viewer : null,
    platformCode: typeof req.params.platformCode === 'string' ? req.params.platformCode : null,
    host: req.headers.host ?? null,
  });
}

/**
 * Express 5 app: request ids and JSON logs, health probes, GraphiQL on GET,
 * the customer CSV export, and the GraphQL API on `/graphql` and
 * `/platforms/{code}/graphql`.
 */
export async function createApp(deps: AppDeps): Promise<{ app: express.Express; stop: () => Promise<void> }> {
  const { dataSource, config, log } = deps;
  const apollo = new ApolloServer<Context>({
    gateway: jitGateway(await createSchema({ testClock: config.testClock })),
    formatError: formatError(log, config.nodeEnv === 'development'),
    includeStacktraceInErrorResponses: config.nodeEnv === 'development',
    introspection: true,
    // main.ts owns the signals: it drains HTTP before Apollo stops.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      // No HTTP caching of GraphQL responses here; the default plugin walks every field for hints.
      ApolloServerPluginCacheControlDisabled(),
      depthLimitPlugin(config.maxQueryDepth),
      {
        async requestDidStart() {
          return {
            async willSendResponse({ response }) {
              const store = currentRequest();
              if (config.exposeSqlCount && store)
                response.http.headers.set('x-sql-statements', String(store.sqlStatements));
            },
          };
        },
      },
    ],
  });
  await apollo.start();

  const app = express();
  app.disable('x-powered-by');
  // Responses are per-viewer API answers: an ETag would cost a SHA-1 of every body and serve no cache.
  app.set('etag', false);
  app.use(httpLogger(log));
  app.use((req, _res, next) => requestStorage.run({ requestId: String(req.id), userId: null, sqlStatements: 0 }, next));
  app.use(healthRoutes(dataSource));
  app.get(GRAPHQL_PATHS, graphiqlHandler('/graphql'));
  app.get(
    '/stores/:storeId/customers.csv',
    customerExportHandler((req) => requestContext(deps, req)),
  );
  app.use(
    GRAPHQL_PATHS,
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        try {
          return await requestContext(deps, req);
        } catch (error) {
          if (!(error instanceof InvalidTokenError)) throw error;
          throw new GraphQLError(error.message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
        }
      },
    }),
  );
  return { app, stop: () => apollo.stop() };
}
