import type { GatewayInterface } from '@apollo/server-gateway-interface';
import {
  type DocumentNode,
  execute,
  type ExecutionResult,
  type FieldNode,
  type FormattedExecutionResult,
  type FragmentDefinitionNode,
  getNamedType,
  getNullableType,
  GraphQLError,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  isEnumType,
  isLeafType,
  isListType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  visit,
} from 'graphql';
import { collectFields, collectSubfields } from 'graphql/execution/collectFields';
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
  const compiled = new Map<string, { query: CompiledQuery; serialize: DataSerializer | null }>();
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
          let entry = compiled.get(key);
          if (!entry) {
            const result = compileQuery(schema, request.document, request.operationName ?? undefined);
            if (!isCompiledQuery(result)) return withStandardErrors(result);
            if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value!);
            entry = { query: result, serialize: compileDataSerializer(schema, request.document, request.operation) };
            compiled.set(key, entry);
          }
          const variables = request.request.variables ?? {};
          const result = await entry.query.query(undefined, request.context, variables);
          if (entry.serialize && result.data) serializers.set(result.data, entry.serialize);
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

type DataSerializer = (data: object) => string;

/** The serializer of each answer's `data` that the executor made, until the answer is written (stringifyResult). */
const serializers = new WeakMap<object, DataSerializer>();

/**
 * Apollo's `stringifyResult`: the same text as its default (`JSON.stringify`
 * of errors, data and extensions, then a newline), with the `data` of a
 * compiled operation written by that operation's serializer
 * (compileDataSerializer) instead of the generic walk of `JSON.stringify`.
 */
export function stringifyResult(value: FormattedExecutionResult): string {
  const serialize = value.data ? serializers.get(value.data) : undefined;
  if (!serialize) return JSON.stringify(value) + '\n';
  let text = value.errors === undefined ? '{' : `{"errors":${JSON.stringify(value.errors)},`;
  text += `"data":${serialize(value.data!)}`;
  if (value.extensions !== undefined) text += `,"extensions":${JSON.stringify(value.extensions)}`;
  return text + '}\n';
}

/** Past this many fields (fragments spread in many places multiply them) an answer keeps JSON.stringify. */
const MAX_SERIALIZED_FIELDS = 2_000;

/**
 * A function writing the `data` of `operation`'s answers as JSON.stringify
 * would (same keys in the same order, a key whose value is undefined left
 * out, null where JSON.stringify writes null), generated once from the
 * selection: each object's keys are known, so the text is built from fixed
 * pieces and each leaf is stringified alone, without JSON.stringify's
 * generic walk over each object's properties. Null (JSON.stringify then) for
 * an operation it does not cover: directives (@skip and @include decide
 * fields per request), introspection fields, or too many fields. Leaves,
 * lists of leaves and abstract types' objects are written by JSON.stringify.
 */
export function compileDataSerializer(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
): DataSerializer | null {
  let directives = false;
  visit(document, {
    Directive() {
      directives = true;
    },
  });
  const rootType = schema.getRootType(operation.operation);
  if (directives || !rootType) return null;
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  }
  let variables = 0;
  let fieldCount = 0;
  const fresh = () => `v${variables++}`;

  const objectCode = (type: GraphQLObjectType, fields: Map<string, readonly FieldNode[]>, object: string): string => {
    const separator = fresh();
    let code = `let ${separator} = '{';`;
    for (const [responseName, nodes] of fields) {
      if (++fieldCount > MAX_SERIALIZED_FIELDS) throw new Unserializable();
      const name = nodes[0].name.value;
      const fieldType = name === '__typename' ? null : type.getFields()[name]?.type;
      if (fieldType === undefined) throw new Unserializable();
      const value = fresh();
      code +=
        `const ${value} = ${object}[${JSON.stringify(responseName)}];` +
        `if (${value} !== undefined) { s += ${separator} + ${JSON.stringify(`${JSON.stringify(responseName)}:`)}; ` +
        `${separator} = ','; ${fieldType ? valueCode(fieldType, nodes, value) : `s += JSON.stringify(${value});`} }`;
    }
    return code + `s += ${separator} === '{' ? '{}' : '}';`;
  };

  const valueCode = (type: GraphQLOutputType, nodes: readonly FieldNode[], value: string): string => {
    const nullable = getNullableType(type);
    const named = getNamedType(nullable);
    if (isEnumType(named) || named.name === 'String' || named.name === 'ID') {
      if (!isListType(nullable)) {
        // Most strings need no escaping: quoted as they are, without a call into JSON.stringify.
        return `s += typeof ${value} === 'string' && !NEEDS_ESCAPE.test(${value}) ? '"' + ${value} + '"' : JSON.stringify(${value});`;
      }
    }
    if (named.name === 'Boolean' && !isListType(nullable)) {
      return `s += ${value} === true ? 'true' : ${value} === false ? 'false' : JSON.stringify(${value});`;
    }
    if (isLeafType(named) || !(isObjectType(nullable) || isListType(nullable))) {
      // Other scalars, lists of leaves and abstract types' objects.
      return `s += JSON.stringify(${value});`;
    }
    let code: string;
    if (isListType(nullable)) {
      const i = fresh();
      const item = fresh();
      code =
        `s += '['; for (let ${i} = 0; ${i} < ${value}.length; ${i}++) { if (${i} > 0) s += ',';` +
        ` const ${item} = ${value}[${i}]; if (${item} == null) s += 'null'; else {` +
        ` ${valueCode(nullable.ofType, nodes, item)} } } s += ']';`;
    } else {
      code = objectCode(nullable, collectSubfields(schema, fragments, {}, nullable, nodes), value);
    }
    return `if (${value} === null) s += 'null'; else { ${code} }`;
  };

  try {
    const body = objectCode(rootType, collectFields(schema, fragments, {}, rootType, operation.selectionSet), 'data');
    return new Function('NEEDS_ESCAPE', `return function serialize(data) { let s = ''; ${body} return s; };`)(
      NEEDS_ESCAPE,
    ) as DataSerializer;
  } catch (error) {
    if (error instanceof Unserializable) return null;
    throw error;
  }
}

class Unserializable extends Error {}

/** What JSON.stringify escapes in a string: control characters, quote, backslash, (lone) surrogates. */
// eslint-disable-next-line no-control-regex -- the control characters are what it looks for
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\ud800-\udfff]/;
