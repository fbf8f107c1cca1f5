import { graphqlPathPlatform } from './graphql-post';

describe('graphqlPathPlatform', () => {
  it('reads the GraphQL paths in any case, a trailing slash and a query string allowed', () => {
    expect(graphqlPathPlatform('/graphql')).toBeNull();
    expect(graphqlPathPlatform('/GraphQL/?query={a}')).toBeNull();
    expect(graphqlPathPlatform('/platforms/oms/graphql')).toBe('oms');
    expect(graphqlPathPlatform('/Platforms/loyalty/GraphQL/')).toBe('loyalty');
    expect(graphqlPathPlatform('/platforms/a%2Fb/graphql?x=1')).toBe('a/b');
  });

  it('is undefined for any other path', () => {
    for (const url of [undefined, '/', '/graphql/more', '/graphqlx', '/platforms//graphql', '/platforms/a/b/graphql']) {
      expect(graphqlPathPlatform(url)).toBeUndefined();
    }
    expect(graphqlPathPlatform('/platforms/%E0%A4%A/graphql')).toBeUndefined();
  });
});
