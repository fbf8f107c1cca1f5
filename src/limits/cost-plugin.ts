import { type ApolloServerPlugin, HeaderMap } from '@apollo/server';
import { type DocumentNode, GraphQLError, type OperationDefinitionNode } from 'graphql';

import type { Context } from '../context';
import type { BucketSize, CostBuckets } from './cost-bucket';
import type { Payer } from './payer';
import { CostPlan } from './query-cost';

/** `extensions.cost` of a response (API.md, "Query cost"). */
export interface CostExtension {
  requestedQueryCost: number;
  actualQueryCost: number;
  /** The bucket the request drew from; null when none did (ADMIN, or refused before it was reached). */
  throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number } | null;
}

const plans = new WeakMap<DocumentNode, Map<OperationDefinitionNode, CostPlan>>();

/** A document's cost plan for one of its operations, built once per parsed document (Apollo reuses them). */
function planOf(schema: CostPlanSchema, document: DocumentNode, operation: OperationDefinitionNode): CostPlan {
  let byOperation = plans.get(document);
  if (!byOperation) plans.set(document, (byOperation = new Map()));
  let plan = byOperation.get(operation);
  if (!plan) byOperation.set(operation, (plan = new CostPlan(schema, document, operation)));
  return plan;
}
type CostPlanSchema = ConstructorParameters<typeof CostPlan>[0];

const status = (size: BucketSize, currentlyAvailable: number): NonNullable<CostExtension['throttleStatus']> => ({
  maximumAvailable: size.maximumAvailable,
  currentlyAvailable: Math.floor(currentlyAvailable),
  restoreRate: size.restoreRate,
});

/**
 * Query cost, before anything executes (src/limits/query-cost.ts has the
 * formula): an operation over `maxCost`, or over what its payer's bucket can
 * ever hold, is QUERY_TOO_COMPLEX whoever asks; then the payer's bucket
 * (src/limits/payer.ts) must hold the requested cost, else HTTP 429 with
 * `Retry-After` and RATE_LIMITED. Once answered, the cost of what was really
 * returned is computed and the difference given back. Every response that
 * reached an operation carries `extensions.cost`. While the buckets' store
 * (Redis) fails, requests are let through and the failure logged: a limit's
 * outage must not become the API's.
 */
export function costLimitPlugin(options: {
  maxCost: number;
  buckets: CostBuckets;
  payerOf: (ctx: Context) => Promise<Payer>;
}): ApolloServerPlugin<Context> {
  const { maxCost, buckets, payerOf } = options;
  return {
    async requestDidStart() {
      let plan: CostPlan | undefined;
      let cost: CostExtension = { requestedQueryCost: 0, actualQueryCost: 0, throttleStatus: null };
      let charged: { key: string; size: BucketSize } | undefined;
      let executed = false;
      return {
        async didResolveOperation({ schema, document, operation, request, contextValue }) {
          if (!operation) return;
          plan = planOf(schema, document, operation);
          const requested = Math.ceil(plan.requested(request.variables ?? {}));
          cost = { ...cost, requestedQueryCost: requested };
          if (requested > maxCost) throw tooComplex(requested, maxCost);
          const payer = await payerOf(contextValue);
          if (payer.kind === 'bucket') {
            const { size } = payer;
            if (requested > size.maximumAvailable) throw tooComplex(requested, size.maximumAvailable);
            let state;
            try {
              state = await buckets.take(payer.key, requested, size);
            } catch (err) {
              contextValue.log.warn({ err }, 'query cost bucket unavailable: request let through');
            }
            if (state) {
              cost = { ...cost, throttleStatus: status(size, state.currentlyAvailable) };
              if (!state.ok) {
                const seconds = Math.max(1, Math.ceil((requested - state.currentlyAvailable) / size.restoreRate));
                throw rateLimited(seconds, requested);
              }
              charged = { key: payer.key, size };
            }
          }
        },
        async executionDidStart() {
          executed = true;
        },
        async willSendResponse({ response, contextValue }) {
          if (plan && executed && response.body.kind === 'single') {
            const actual = plan.actual(response.body.singleResult.data);
            cost = { ...cost, actualQueryCost: actual };
            if (charged && actual !== cost.requestedQueryCost) {
              try {
                const state = await buckets.adjust(charged.key, cost.requestedQueryCost - actual, charged.size);
                cost = { ...cost, throttleStatus: status(charged.size, state.currentlyAvailable) };
              } catch (err) {
                contextValue.log.warn({ err }, 'query cost bucket unavailable: difference not given back');
              }
            }
          }
          if (response.body.kind === 'single') {
            const result = response.body.singleResult;
            result.extensions = { ...result.extensions, cost };
          }
        },
      };
    },
  };
}

function tooComplex(requested: number, limit: number): GraphQLError {
  return new GraphQLError(`Query cost ${requested} exceeds the limit of ${limit}`, {
    extensions: { code: 'QUERY_TOO_COMPLEX', http: { status: 400 } },
  });
}

function rateLimited(retryAfterSeconds: number, requested: number): GraphQLError {
  // Apollo merges these headers into the response by iterating them: a HeaderMap (its type says a record).
  const extensions: Record<string, unknown> = {
    code: 'RATE_LIMITED',
    retryAfterSeconds,
    http: { status: 429, headers: new HeaderMap([['retry-after', String(retryAfterSeconds)]]) },
  };
  return new GraphQLError(
    `Rate limited: this query costs ${requested}, more than the bucket holds now; retry in ${retryAfterSeconds} s`,
    { extensions },
  );
}
