import { buildSchema, type OperationDefinitionNode, parse } from 'graphql';
import { compileQuery, isCompiledQuery } from 'graphql-jit';

import { compileDataSerializer } from '../src/graphql-jit-executor';

const schema = buildSchema(`
  scalar JSON
  enum Kind { A B }
  interface Named { name: String }
  type Thing implements Named { id: ID! name: String kind: Kind tags: [String] data: JSON child: Thing kids: [Thing!] grid: [[Thing]] }
  type Other implements Named { name: String size: Int }
  type Query { thing: Thing things: [Thing] named: [Named] nothing: Thing count: Int! }
`);

const thing = (id: number, depth = 0): Record<string, unknown> => ({
  id: String(id),
  name: id % 3 === 0 ? null : `name "${id}" \\ \n ü 😀 \u2028 \ud800`,
  kind: id % 2 ? 'A' : 'B',
  tags: id % 4 === 0 ? null : ['x', 'y"', null],
  data: { nested: [1, 2.5, { a: null }], when: new Date(0) },
  child: depth < 2 ? thing(id + 1, depth + 1) : null,
  kids: depth < 2 ? [thing(id + 10, depth + 1), thing(id + 20, depth + 1)] : [],
  grid: depth < 1 ? [[thing(id + 30, 2), null], null, []] : null,
});

const root = {
  thing: thing(1),
  things: [thing(2), null, thing(3)],
  named: [
    { __typename: 'Thing', ...thing(4, 2) },
    { __typename: 'Other', name: 'o', size: 3 },
  ],
  nothing: null,
  count: 7,
};

async function both(query: string, variables: Record<string, unknown> = {}) {
  const document = parse(query);
  const operation = document.definitions.find((d) => d.kind === 'OperationDefinition') as OperationDefinitionNode;
  const compiled = compileQuery(schema, document);
  if (!isCompiledQuery(compiled)) throw new Error(JSON.stringify(compiled));
  const result = await compiled.query(root, {}, variables);
  return { result, serialize: compileDataSerializer(schema, document, operation) };
}

describe('compileDataSerializer', () => {
  it('writes the same text as JSON.stringify for objects, lists, nulls, aliases, fragments and JSON scalars', async () => {
    const { result, serialize } = await both(`
      query Q {
        count
        nothing { id }
        thing { ...F alias: name child { ...F child { id } } }
        things { id kids { id name } grid { id kind } ...F }
        named { __typename name ... on Other { size } ... on Thing { id } }
      }
      fragment F on Thing { __typename id name kind tags data kids { id child { name } } }
    `);
    expect(serialize).not.toBeNull();
    expect(result.errors).toBeUndefined();
    expect(serialize!(result.data!)).toBe(JSON.stringify(result.data));
  });

  it('writes an object with fields left undefined as JSON.stringify does', () => {
    const document = parse('{ thing { id name child { id } } }');
    const serialize = compileDataSerializer(schema, document, document.definitions[0] as OperationDefinitionNode)!;
    for (const data of [{ thing: {} }, { thing: { id: '1', name: undefined, child: null } }, { thing: null }]) {
      expect(serialize(data)).toBe(JSON.stringify(data));
    }
  });

  it('leaves operations with directives or introspection to JSON.stringify', () => {
    for (const query of [
      'query ($s: Boolean!) { thing { id @skip(if: $s) } }',
      '{ __schema { queryType { name } } }',
    ]) {
      const document = parse(query);
      expect(compileDataSerializer(schema, document, document.definitions[0] as OperationDefinitionNode)).toBeNull();
    }
  });
});
