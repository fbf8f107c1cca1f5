import { selectionOf } from '../../test/support/selection';
import { Merchant } from '../entities/tenancy/merchant.entity';
import { Store } from '../entities/tenancy/store.entity';
import { StorePlatform } from '../entities/tenancy/store-platform.entity';
import { belongsTo, hasMany, readAheadFor, ReadsAhead } from './read-ahead';

const merchant = belongsTo(Store, Merchant, 'merchantId');
const memberships = hasMany(Store, StorePlatform, 'storeId');

// Fields of a parent type declaring what they read, as a resolver class declares them.
class StoreFields {
  @ReadsAhead(merchant)
  merchant(): void {}

  @ReadsAhead(memberships)
  platforms(): void {}

  @ReadsAhead(memberships)
  primaryPlatform(): void {}
}
void StoreFields;

const readAhead = (document: string) => readAheadFor(Store, selectionOf(document), ['edges', 'node']);

describe('readAheadFor', () => {
  it('reads ahead exactly the relations of the fields asked of the rows', () => {
    expect(readAhead('{ stores { edges { node { name } } } }')).toEqual([]);
    expect(readAhead('{ stores { edges { node { merchant { name } } } } }')).toEqual([merchant]);
    expect(readAhead('{ stores { edges { node { platforms { id } merchant { id } } } } }')).toEqual(
      expect.arrayContaining([merchant, memberships]),
    );
  });

  it('reads a relation once however many fields declare it, through fragments and aliases', () => {
    const found = readAhead(`{ stores { edges { node { ...S p: primaryPlatform { id } } } } }
      fragment S on Store { platforms { id } }`);
    expect(found).toEqual([memberships]);
  });

  it('reads nothing for fields asked elsewhere than the rows', () => {
    expect(readAhead('{ stores { pageInfo { hasNextPage } totalCount } }')).toEqual([]);
  });

  it('knows nothing of an entity no field declares', () => {
    expect(
      readAheadFor(Merchant, selectionOf('{ merchants { edges { node { stores { id } } } } }'), ['edges', 'node']),
    ).toEqual([]);
  });
});
