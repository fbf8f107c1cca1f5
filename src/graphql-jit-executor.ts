import type { GatewayInterface } from '@apollo/server-gateway-interface';
import { execute, type ExecutionResult, GraphQLError, type GraphQLSchema } from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import { type CompiledQuery, compileQuery, isCompiledQuery } from 'graphql-jit';

const MAX_COMPILED = 1_000;

/**
 * Runs operations with graphql-jit instead of graphql-js: each distinct
 * operation is compiled once into a JavaScript function (kept in a bounded
 * cache keyed by Apollo's query hash and operation name), which resolves the
 * same schema's resolvers without graphql-js's per-field interpretation and
 * allocations. Apollo Server 5 takes a custom executor only through its
 * `gateway` option; parsing, validation, the depth limit, error formatting
 * and HTTP handling all stay Apollo's.
 */
export function jitGateway(schema: GraphQLSchema): GatewayInterface {
  const compiled = new Map<string, CompiledQuery>();
  return {
    async load() {
      return {
        executor: async (request) => {
          // No operation to run (an unknown or missing operation name): graphql-js states why without running
          // anything, and Apollo answers that error with 400 (it fails with a 500 when there is none).
          if (!request.operation) {
            return execute({ schema, document: request.document, operationName: request.request.operationName });
          }
          const key = `${request.queryHash}:${request.operationName ?? ''}`;
          let query = compiled.get(key);
          if (!query) {
            const result = compileQuery(schema, request.document, request.operationName ?? undefined);
            if (!isCompiledQuery(result)) return withStandardErrors(result);
            if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value!);
            compiled.set(key, result);
            query = result;
          }
          const variables = request.request.variables ?? {};
          const result = await query.query(undefined, request.context, variables);
          if (result.data === undefined && request.operation) {
            // Variables that did not coerce: graphql-js states why, in the shape Apollo answers with 400 and
            // BAD_USER_INPUT (graphql-jit's errors name no variable node).
            const coerced = getVariableValues(schema, request.operation.variableDefinitions ?? [], variables);
            if (coerced.errors) return { errors: coerced.errors };
          }
          return withStandardErrors(result);
        },
      };
    },
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => {};
    },
    async stop() {},
  };
}

/**
 * graphql-jit's errors leave `extensions` undefined when the thrown error has
 * none, where graphql-js (and so Apollo's error formatting) expects an object:
 * those become graphql-js errors with the same message, locations, path and
 * original error.
 */
function withStandardErrors(result: ExecutionResult): ExecutionResult {
  if (!result.errors?.some((e) => !e.extensions)) return result;
  const errors = result.errors.map((e) => {
    if (e.extensions) return e;
    const standard = new GraphQLError(e.message, { path: e.path, originalError: e.originalError ?? undefined });
    Object.assign(standard, { locations: e.locations, stack: e.stack });
    return standard;
  });
  return { ...result, errors };
}
