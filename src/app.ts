import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
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
import { verifyToken } from './services/auth/token';

export interface AppDeps {
  dataSource: DataSource;
  config: Config;
  log: Logger;
}

const GRAPHQL_PATHS = ['/graphql', '/platforms/:platformCode/graphql'];

/** The user id of the bearer token; a token that is present but bad is UNAUTHENTICATED. */
async function authenticate(config: Config, req: Request): Promise<number | null> {
  const header = req.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  const userId = match ? await verifyToken(config, match[1]) : null;
  if (userId === null) {
    throw new GraphQLError('The bearer token is invalid or expired', {
      extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
    });
  }
  return userId;
}

/**
 * Express 5 app: request ids and JSON logs, health probes, GraphiQL on GET,
 * and the GraphQL API on `/graphql` and `/platforms/{code}/graphql`.
 */
export async function createApp({
  dataSource,
  config,
  log,
}: AppDeps): Promise<{ app: express.Express; stop: () => Promise<void> }> {
  const apollo = new ApolloServer<Context>({
    schema: await createSchema(),
    formatError: formatError(log, config.nodeEnv === 'development'),
    includeStacktraceInErrorResponses: config.nodeEnv === 'development',
    introspection: true,
    // main.ts owns the signals: it drains HTTP before Apollo stops.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
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
  app.use(httpLogger(log));
  app.use((req, _res, next) => requestStorage.run({ requestId: String(req.id), userId: null, sqlStatements: 0 }, next));
  app.use(healthRoutes(dataSource));
  app.get(GRAPHQL_PATHS, graphiqlHandler('/graphql'));
  app.use(
    GRAPHQL_PATHS,
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        const tokenUserId = await authenticate(config, req);
        const store = currentRequest();
        if (store) store.userId = tokenUserId;
        const platformCode = typeof req.params.platformCode === 'string' ? req.params.platformCode : null;
        return createContext({
          requestId: String(req.id),
          config,
          dataSource,
          log: req.log ?? log,
          tokenUserId,
          platformCode,
          host: req.headers.host ?? null,
        });
      },
    }),
  );
  return { app, stop: () => apollo.stop() };
}
