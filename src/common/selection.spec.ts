import { selectionOf as infoOf } from '../../test/support/selection';
import { selects } from './selection';

describe('selects', () => {
  it('finds a nested field by name, under an alias too', () => {
    const info = infoOf('{ stores { edges { node { owner: merchant { name } } } } }');
    expect(selects(info, ['edges', 'node', 'merchant'])).toBe(true);
    expect(selects(info, ['edges', 'node', 'owner'])).toBe(false);
    expect(selects(info, ['edges', 'node', 'platforms'])).toBe(false);
    expect(selects(info, ['node'])).toBe(false);
  });

  it('follows fragment spreads and inline fragments', () => {
    const info = infoOf(`{ stores { ...Page } }
      fragment Page on StoreConnection { edges { node { ... on Store { ...Parts } } } }
      fragment Parts on Store { platforms { platform { code } } }`);
    expect(selects(info, ['edges', 'node', 'platforms', 'platform', 'code'])).toBe(true);
    expect(selects(info, ['edges', 'node', 'merchant'])).toBe(false);
  });

  it('follows each fragment once, however often it is spread (a doubling chain stays linear)', () => {
    const levels = 40;
    let document = '{ stores { edges { node { ...F0 ...F0 } } } }';
    for (let i = 0; i < levels; i++) document += ` fragment F${i} on Store { ...F${i + 1} ...F${i + 1} }`;
    document += ` fragment F${levels} on Store { merchant { name } }`;
    const info = infoOf(document);
    expect(selects(info, ['edges', 'node', 'merchant', 'name'])).toBe(true);
    expect(selects(info, ['edges', 'node', 'platforms'])).toBe(false);
  });

  it('counts a field under @skip as asked for: reading ahead may read too much, never too little', () => {
    const info = infoOf('{ stores { edges { node { merchant @skip(if: true) { name } } } } }');
    expect(selects(info, ['edges', 'node', 'merchant'])).toBe(true);
  });
});
