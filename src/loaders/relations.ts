import { Merchant } from '../entities/tenancy/merchant.entity';
import { Store } from '../entities/tenancy/store.entity';
import { StorePlatform } from '../entities/tenancy/store-platform.entity';
import { belongsTo, hasMany } from './read-ahead';

/**
 * The relations a page reads ahead, each declared once: the fields that read
 * one say so with `@ReadsAhead` and load it through it.
 */

/** A store's merchant. */
export const storeMerchant = belongsTo(Store, Merchant, 'merchantId');

/** A store's live platform memberships. */
export const storeMemberships = hasMany(Store, StorePlatform, 'storeId');
