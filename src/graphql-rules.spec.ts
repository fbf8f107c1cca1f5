import { getIntrospectionQuery, GraphQLError, parse } from 'graphql';
import pino from 'pino';

import { AccessDeniedError } from './common/errors';
import { formatError, MAX_EXPANDED_FIELDS, measure, queryDepth } from './graphql-rules';

const silent = pino({ level: 'silent' });

describe('formatError', () => {
  const leaky = new GraphQLError('relation "users" violates constraint at SELECT * FROM users', {
    originalError: new Error('SELECT password_hash FROM users'),
    path: ['me'],
  });

  it('masks unexpected errors outside development: no message, SQL or stack', () => {
    const formatted = formatError(silent, false)(
      { message: leaky.message, path: ['me'], extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at x'] } },
      leaky,
    );
    expect(formatted).toEqual({
      message: 'Internal server error',
      path: ['me'],
      locations: undefined,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  });

  it('keeps public codes and turns a role refusal into FORBIDDEN', () => {
    const denied = new GraphQLError('x', {
      originalError: new AccessDeniedError('Only ADMIN may do this'),
      path: ['merchants'],
    });
    expect(formatError(silent, false)({ message: 'x' }, denied)).toMatchObject({
      message: 'Only ADMIN may do this',
      extensions: { code: 'FORBIDDEN' },
    });
    const unauthenticated = { message: 'Sign in', extensions: { code: 'UNAUTHENTICATED', stacktrace: ['at y'] } };
    expect(formatError(silent, false)(unauthenticated, new GraphQLError('Sign in'))).toEqual({
      message: 'Sign in',
      extensions: { code: 'UNAUTHENTICATED' },
    });
  });
});

describe('queryDepth', () => {
  it('counts nested fields through fragments and inline fragments', () => {
    expect(queryDepth(parse('{ a }'))).toBe(1);
    expect(queryDepth(parse('{ a { b { c } } }'))).toBe(3);
    expect(queryDepth(parse('query { a { ...F } } fragment F on T { b { ... on U { c { d } } } }'))).toBe(4);
  });

  it('does not loop on a fragment that spreads itself', () => {
    expect(queryDepth(parse('{ a { ...F } } fragment F on T { b { ...F } }'))).toBe(2);
  });

  it('leaves introspection fields out', () => {
    expect(queryDepth(parse('{ __schema { types { fields { type { ofType { name } } } } } }'))).toBe(0);
    expect(queryDepth(parse('{ a { __typename b { __type(name: "X") { name } } } }'))).toBe(2);
  });

  it('measures a fragment once however often it is spread', () => {
    const levels = 40; // followed spread by spread, 2^40 walks
    const fragments = Array.from(
      { length: levels },
      (_, i) => `fragment F${i} on Q { a { ...F${i + 1} ...F${i + 1} } }`,
    );
    const document = parse(`{ ...F0 } ${fragments.join(' ')} fragment F${levels} on Q { b }`);
    expect(queryDepth(document)).toBe(levels + 1);
  });
});

describe('measure: fields once fragments are expanded', () => {
  it('counts every field selection a fragment brings, once per spread', () => {
    expect(measure(parse('{ a b { c } }')).fields).toBe(3);
    expect(measure(parse('{ a { ...F } b { ...F } } fragment F on T { c d }')).fields).toBe(6);
    expect(measure(parse('{ ... on Q { a } ...F } fragment F on Q { b { c } }')).fields).toBe(3);
  });

  it('counts a doubling chain as the 2^n fields it expands to, in linear time', () => {
    const levels = 40;
    const fragments = Array.from({ length: levels }, (_, i) => `fragment F${i} on T { a ...F${i + 1} ...F${i + 1} }`);
    const { fields } = measure(parse(`{ t { ...F0 } } ${fragments.join(' ')} fragment F${levels} on T { a }`));
    expect(fields).toBe(1 + 2 ** (levels + 1) - 1);
  });

  it('counts introspection fields too (they are compiled like any other), the standard query well within the limit', () => {
    const { depth, fields } = measure(parse(getIntrospectionQuery()));
    expect(depth).toBe(0);
    expect(fields).toBeGreaterThan(50);
    expect(fields).toBeLessThan(MAX_EXPANDED_FIELDS / 4);
  });
});
