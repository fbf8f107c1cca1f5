import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import type { GraphQLFormattedError } from 'graphql';
import {
  BREAK,
  type DocumentNode,
  type FragmentDefinitionNode,
  GraphQLError,
  Kind,
  Lexer,
  type OperationDefinitionNode,
  type SelectionSetNode,
  Source,
  TokenKind,
  type ValidationContext,
  type ValidationRule,
  visit,
} from 'graphql';
import type { Logger } from 'pino';

import { AccessDeniedError, InvalidInputError } from './common/errors';
import type { Context } from './context';

/** Codes a client may see as they are; anything else is masked. */
const PUBLIC_CODES = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'QUERY_TOO_COMPLEX',
  'RATE_LIMITED',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

/**
 * An error Apollo raised about the request itself (a persisted query's hash
 * that does not match its query, an unsupported persisted-query version):
 * an HTTP 4xx status and no code of its own, nothing thrown underneath.
 */
function isApolloRequestError(error: unknown): boolean {
  if (!(error instanceof GraphQLError) || error.originalError || error.extensions.code) return false;
  const status = (error.extensions.http as { status?: number } | undefined)?.status;
  return status !== undefined && status >= 400 && status < 500;
}

/**
 * Apollo `formatError`: domain exceptions become their public codes; every
 * unexpected error is logged with the request id and masked, so no stack,
 * SQL or entity internals reach a client outside development.
 */
export function formatError(log: Logger, exposeInternals: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof AccessDeniedError) {
      return { ...formatted, message: original.message, extensions: { code: 'FORBIDDEN' } };
    }
    if (original instanceof InvalidInputError) {
      return {
        ...formatted,
        message: original.message,
        extensions: {
          code: 'BAD_USER_INPUT',
          validationErrors: [{ property: original.field, constraints: { valid: original.message } }],
        },
      };
    }
    if (isApolloRequestError(error)) {
      return { message: formatted.message, locations: formatted.locations, extensions: { code: 'BAD_REQUEST' } };
    }
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && PUBLIC_CODES.has(code)) {
      const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions: exposeInternals ? formatted.extensions : extensions };
    }
    log.error({ err: original, path: formatted.path }, 'unexpected GraphQL error');
    if (exposeInternals)
      return { ...formatted, extensions: { ...formatted.extensions, code: 'INTERNAL_SERVER_ERROR' } };
    return {
      message: 'Internal server error',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}

/**
 * graphql-armor's alias limit as a validation rule (it counts each fragment's
 * aliases once, so it stays linear). Its refusal is reported as a validation
 * error (Apollo answers 400, GRAPHQL_VALIDATION_FAILED) instead of thrown,
 * which would escape graphql-js's validate and become a 500.
 */
export function aliasLimitRule(maxAliases: number): ValidationRule {
  return maxAliasesRule({
    n: maxAliases,
    propagateOnRejection: false,
    onReject: [
      (context, error) =>
        (context as ValidationContext | null)?.reportError(
          new GraphQLError(error.message.replace(/^Syntax Error: /, ''), { extensions: { code: 'QUERY_TOO_COMPLEX' } }),
        ),
    ],
  });
}

/** Introspection meta-fields: free of the depth limit, so every standard tool can load the whole schema. */
const INTROSPECTION_FIELDS = new Set(['__schema', '__type', '__typename']);

/** Field selections an operation may make once its fragments are expanded: see `measure`. */
export const MAX_EXPANDED_FIELDS = 20_000;

/**
 * What the operations of `document` ask, fragments followed: the deepest
 * field nesting (introspection fields left out, as API.md says) and how many
 * field selections they make once every fragment spread is expanded in
 * place, introspection included (graphql-jit compiles the expanded tree:
 * `...F1 ...F1` chains, 2^n fields in n short lines, froze the process for
 * seconds while the depth and the cost, which merge equal fields, stayed
 * small). Linear in the document: each fragment is measured once however
 * often it is spread.
 */
export function measure(document: DocumentNode): { depth: number; fields: number } {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  type Measure = { depth: number; fields: number };
  // A fragment being measured counts nothing where it spreads itself (a cycle, which validation refuses anyway).
  const measured = new Map<string, Measure>();
  const fragment = (name: string): Measure => {
    let found = measured.get(name);
    if (!found) {
      measured.set(name, { depth: 0, fields: 0 });
      found = of(fragments.get(name)?.selectionSet, false);
      measured.set(name, found);
    }
    return found;
  };
  const of = (selectionSet: SelectionSetNode | undefined, introspection: boolean): Measure => {
    let depth = 0;
    let fields = 0;
    for (const selection of selectionSet?.selections ?? []) {
      let inner: Measure;
      if (selection.kind === Kind.FIELD) {
        const introspects = introspection || INTROSPECTION_FIELDS.has(selection.name.value);
        inner = of(selection.selectionSet, introspects);
        inner = { depth: introspects ? 0 : 1 + inner.depth, fields: 1 + inner.fields };
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        inner = of(selection.selectionSet, introspection);
      } else {
        inner = fragment(selection.name.value);
        if (introspection) inner = { depth: 0, fields: inner.fields };
      }
      depth = Math.max(depth, inner.depth);
      fields += inner.fields;
    }
    return { depth, fields };
  };
  const total = { depth: 0, fields: 0 };
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    const operation = of(definition.selectionSet, false);
    total.depth = Math.max(total.depth, operation.depth);
    total.fields += operation.fields;
  }
  return total;
}

/** The deepest field nesting of the operations in `document` (see `measure`). */
export const queryDepth = (document: DocumentNode): number => measure(document).depth;

/**
 * Brackets (`{`, `(`, `[`) a document may nest. graphql-js parses by
 * recursion, a few frames per level: a few thousand levels exhaust the stack
 * (below its token limit, in a process with a deep stack already), and so do
 * the LRU size estimate of Apollo's document cache and the validation walks.
 * Far above any real query (the depth limit stops fields at 100 at most).
 */
export const MAX_NESTING = 256;

/**
 * Why `query` must not reach the parser (nested deeper than MAX_NESTING), or
 * null. Almost every query has fewer bracket characters than MAX_NESTING and
 * is let through on that count alone; the rest are lexed (graphql-js's lexer
 * iterates, and skips strings and comments correctly) for their real nesting,
 * up to `maxTokens` tokens, where the parser stops anyway. Text that does not
 * lex is left to the parser, which says why.
 */
export function nestingRefusal(query: string, maxTokens: number): string | null {
  let brackets = 0;
  for (let i = 0; i < query.length; i++) {
    const c = query.charCodeAt(i);
    if (c === 0x7b || c === 0x28 || c === 0x5b) brackets++; // { ( [
  }
  if (brackets <= MAX_NESTING) return null;
  const lexer = new Lexer(new Source(query));
  let nesting = 0;
  try {
    for (let tokens = 0; tokens < maxTokens; tokens++) {
      const { kind } = lexer.advance();
      if (kind === TokenKind.EOF) break;
      if (kind === TokenKind.BRACE_L || kind === TokenKind.PAREN_L || kind === TokenKind.BRACKET_L) {
        if (++nesting > MAX_NESTING) return `The query nests deeper than ${MAX_NESTING} levels`;
      } else if (kind === TokenKind.BRACE_R || kind === TokenKind.PAREN_R || kind === TokenKind.BRACKET_R) {
        nesting--;
      }
    }
  } catch {
    return null;
  }
  return null;
}

/** Longest string argument accepted (characters): a backstop behind each input's own validation. */
export const MAX_STRING_LENGTH = 100_000;
/** Most elements of one list argument. */
export const MAX_LIST_LENGTH = 1_000;

/** A refusal before execution: a top-level error with HTTP 400. */
interface Refusal {
  code: 'QUERY_TOO_COMPLEX' | 'BAD_USER_INPUT';
  message: string;
}
const INVALID_TEXT: Refusal = {
  code: 'BAD_USER_INPUT',
  message: 'A string argument contains a NUL character or invalid Unicode',
};
const TOO_LONG: Refusal = {
  code: 'BAD_USER_INPUT',
  message: `A string argument is longer than ${MAX_STRING_LENGTH} characters`,
};
const TOO_MANY: Refusal = {
  code: 'BAD_USER_INPUT',
  message: `A list argument has more than ${MAX_LIST_LENGTH} elements`,
};

/**
 * What is wrong with one string argument: text PostgreSQL cannot store (a
 * NUL character), text that is not well-formed UTF-16 (a lone surrogate),
 * or text longer than any input takes.
 */
const textRefusal = (text: string): Refusal | null =>
  text.length > MAX_STRING_LENGTH ? TOO_LONG : text.includes('\0') || !text.isWellFormed() ? INVALID_TEXT : null;

/** The first refusal among the string and list literals of `document`. */
function literalRefusal(document: DocumentNode): Refusal | null {
  let refusal: Refusal | null = null;
  visit(document, {
    StringValue(node) {
      refusal = textRefusal(node.value);
      return refusal ? BREAK : undefined;
    },
    ListValue(node) {
      refusal = node.values.length > MAX_LIST_LENGTH ? TOO_MANY : null;
      return refusal ? BREAK : undefined;
    },
  });
  return refusal;
}

/** The first refusal among a request's variables (iterative: no recursion on deep JSON). */
function variableRefusal(variables: Record<string, unknown> | undefined): Refusal | null {
  const pending: unknown[] = variables ? [variables] : [];
  while (pending.length) {
    const value = pending.pop();
    if (typeof value === 'string') {
      const refusal = textRefusal(value);
      if (refusal) return refusal;
    } else if (Array.isArray(value)) {
      if (value.length > MAX_LIST_LENGTH) return TOO_MANY;
      for (const item of value) pending.push(item);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        const refusal = textRefusal(key);
        if (refusal) return refusal;
        pending.push(item);
      }
    }
  }
  return null;
}

const refuse = ({ code, message }: Refusal) =>
  new GraphQLError(message, { extensions: { code, http: { status: 400 } } });

/**
 * Apollo plugin, before anything executes: operations nested deeper than
 * `maxDepth`, or selecting more than MAX_EXPANDED_FIELDS fields once their
 * fragments are expanded, are QUERY_TOO_COMPLEX; a NUL character, a lone surrogate or
 * more than MAX_STRING_LENGTH characters in a string literal or variable,
 * or more than MAX_LIST_LENGTH elements in a list, is BAD_USER_INPUT
 * (PostgreSQL refuses NUL in text: it failed as an internal error
 * mid-execution). The
 * document's verdict is kept per parsed document, which Apollo reuses for
 * every request of the same query.
 */
export function requestRulesPlugin(options: {
  maxDepth: number;
  /** Production: introspection for authenticated callers only, no "Did you mean" for anonymous ones. */
  guardSchemaFromAnonymous: boolean;
}): ApolloServerPlugin<Context> {
  const { maxDepth, guardSchemaFromAnonymous } = options;
  const verdicts = new WeakMap<DocumentNode, Refusal | null>();
  const judge = (document: DocumentNode): Refusal | null => {
    const { depth, fields } = measure(document);
    if (depth > maxDepth)
      return { code: 'QUERY_TOO_COMPLEX', message: `Query depth ${depth} exceeds the limit of ${maxDepth}` };
    if (fields > MAX_EXPANDED_FIELDS) {
      return {
        code: 'QUERY_TOO_COMPLEX',
        message: `The query selects ${fields} fields once its fragments are expanded; the limit is ${MAX_EXPANDED_FIELDS}`,
      };
    }
    return literalRefusal(document);
  };
  // Anonymous: no bearer token and no API key (an API key's viewer comes with its authentication, no statement).
  const anonymous = async (ctx: Context) => ctx.tokenUserId === null && (await ctx.viewer()) === null;
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, request, contextValue }) {
          let verdict = verdicts.get(document);
          if (verdict === undefined) verdicts.set(document, (verdict = judge(document)));
          if (verdict) throw refuse(verdict);
          const refusal = variableRefusal(request.variables);
          if (refusal) throw refuse(refusal);
          if (guardSchemaFromAnonymous && operation && introspects(operation) && (await anonymous(contextValue))) {
            throw new GraphQLError('Sign in to introspect the schema', {
              extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
            });
          }
        },
        async willSendResponse({ response, contextValue }) {
          if (!guardSchemaFromAnonymous || response.body.kind !== 'single') return;
          const errors = response.body.singleResult.errors;
          if (!errors?.some((e) => SUGGESTION.test(e.message)) || !(await anonymous(contextValue))) return;
          response.body.singleResult.errors = errors.map((e) => ({ ...e, message: e.message.replace(SUGGESTION, '') }));
        },
      };
    },
  };
}

/** graphql-js's suggestions ("Cannot query field "x" on type "Y". Did you mean "z"?"): they reveal the schema. */
const SUGGESTION = / ?Did you mean .*\?$/;

/** Whether an operation asks `__schema` or `__type` at its root (`__typename` reveals nothing). */
function introspects(operation: OperationDefinitionNode): boolean {
  return operation.selectionSet.selections.some(
    (s) => s.kind === Kind.FIELD && (s.name.value === '__schema' || s.name.value === '__type'),
  );
}
