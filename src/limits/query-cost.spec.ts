import { buildSchema, getOperationAST, parse } from 'graphql';

import { CostPlan, DEFAULT_LIST_BOUND, LIST_BOUNDS } from './query-cost';

const schema = buildSchema(`
  interface Node { id: ID! }
  type PageInfo { hasNextPage: Boolean! endCursor: String }
  type Feature { code: String! }
  type Tier { code: String! features: [Feature!]! }
  type Merchant implements Node { id: ID! name: String! stores: [Store!]! }
  type Store implements Node { id: ID! name: String! merchant: Merchant! platforms: [Membership!]! }
  type Membership { isPrimary: Boolean! tier: Tier }
  type StoreEdge { cursor: String! node: Store! }
  type StoreConnection { edges: [StoreEdge!]! pageInfo: PageInfo! totalCount: Int! }
  type Query {
    stores(first: Int! = 20, after: String): StoreConnection!
    subscriptionTiers: [Tier!]!
    nodes(ids: [ID!]!): [Node]!
    version: String!
  }
  type Payload { store: Store }
  type Mutation { renameStore(name: String!): Payload! }
`);

function plan(query: string): CostPlan {
  const document = parse(query);
  return new CostPlan(schema, document, getOperationAST(document)!);
}

describe('the cost formula', () => {
  it('prices scalars 0, objects 1, a connection 2 + first x its selection (edges and page info free)', () => {
    expect(plan('{ version }').requested()).toBe(0);
    expect(plan('{ stores(first: 100) { edges { node { id name } } } }').requested()).toBe(2 + 100 * 1);
    expect(plan('{ stores { totalCount pageInfo { hasNextPage } edges { cursor node { id } } } }').requested()).toBe(
      2 + 20 * 1,
    );
    expect(plan('{ stores(first: 10) { edges { node { merchant { name } } } } }').requested()).toBe(2 + 10 * 2);
  });

  it('takes `first` from the variables, its default when left out', () => {
    const q = plan('query($n: Int!) { stores(first: $n) { edges { node { id } } } }');
    expect(q.requested({ n: 5 })).toBe(7);
    expect(q.requested({ n: 50 })).toBe(52);
  });

  it('multiplies other lists by their stated bound, and nodes(ids:) by the IDs given', () => {
    // Query.subscriptionTiers has a stated bound; Tier.features (named so only here) has the default.
    expect(LIST_BOUNDS['Query.subscriptionTiers']).toBe(20);
    expect(plan('{ subscriptionTiers { features { code } } }').requested()).toBe(20 * (1 + DEFAULT_LIST_BOUND));
    expect(plan('{ nodes(ids: ["a", "b", "c"]) { id } }').requested()).toBe(3);
    expect(plan('query($ids: [ID!]!) { nodes(ids: $ids) { id } }').requested({ ids: ['a', 'b'] })).toBe(2);
  });

  it('adds aliases up, merges repeated keys, and follows fragments and inline fragments', () => {
    expect(
      plan(
        '{ a: stores(first: 1) { edges { node { id } } } b: stores(first: 2) { edges { node { id } } } }',
      ).requested(),
    ).toBe(3 + 4);
    expect(
      plan(
        '{ stores(first: 5) { edges { node { ...S } } } } fragment S on Store { merchant { name } ... on Store { platforms { isPrimary } } }',
      ).requested(),
    ).toBe(2 + 5 * (1 + 1 + LIST_BOUNDS['Store.platforms']));
  });

  it('leaves out fields under @skip(if: true) or @include(if: false)', () => {
    const q = plan(
      'query($full: Boolean!) { stores(first: 10) { edges { node { merchant @include(if: $full) { id } } } } }',
    );
    expect(q.requested({ full: true })).toBe(2 + 10 * 2);
    expect(q.requested({ full: false })).toBe(2 + 10 * 1);
  });

  it('prices a mutation root field 10, and introspection nothing', () => {
    expect(plan('mutation { renameStore(name: "x") { store { id } } }').requested()).toBe(11);
    expect(plan('{ __schema { types { name fields { name type { name ofType { name } } } } } }').requested()).toBe(0);
    expect(plan('{ __typename stores(first: 1) { __typename edges { node { __typename id } } } }').requested()).toBe(3);
  });

  it('prices a fragment fan-out of 2^40 paths at once', () => {
    const levels = 40;
    const fragments = Array.from(
      { length: levels },
      (_, i) => `fragment F${i} on Store { merchant { stores { ...F${i + 1} ...F${i + 1} } } }`,
    );
    const q = plan(
      `{ stores(first: 1) { edges { node { ...F0 } } } } ${fragments.join(' ')} fragment F${levels} on Store { id }`,
    );
    // Each level: a merchant (1) and a list of stores (bound x (1 + the next level)): far over any cap.
    expect(q.requested()).toBeGreaterThan(1e40);
  });
});

describe('the price of returned data', () => {
  it('counts each list at its real length by the same rules', () => {
    const q = plan(
      '{ stores(first: 100) { edges { node { id merchant { name } platforms { tier { features { code } } } } } } }',
    );
    const store = (features: number) => ({
      id: 's',
      merchant: { name: 'm' },
      platforms: [{ tier: { features: Array.from({ length: features }, () => ({ code: 'f' })) } }],
    });
    const data = { stores: { edges: [{ node: store(3) }, { node: store(0) }] } };
    // 2 + per store: itself 1 + merchant 1 + one membership (1 + tier 1 + features)
    expect(q.actual(data)).toBe(2 + (1 + 1 + 1 + 1 + 3) + (1 + 1 + 1 + 1 + 0));
    expect(q.actual(data)).toBeLessThan(q.requested());
    expect(q.actual(null)).toBe(0);
    expect(q.actual({ stores: { edges: [] } })).toBe(2);
  });

  it('reads aliases by their response keys', () => {
    const q = plan('{ a: stores(first: 5) { edges { node { id } } } b: nodes(ids: ["x"]) { id } }');
    expect(q.actual({ a: { edges: [{ node: { id: '1' } }] }, b: [{ id: 'x' }, null] })).toBe(2 + 1 + 1);
  });
});
