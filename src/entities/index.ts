import { Customer } from './tenancy/customer.entity';
import { Merchant } from './tenancy/merchant.entity';
import { Order } from './tenancy/order.entity';
import { Platform } from './tenancy/platform.entity';
import { Product } from './tenancy/product.entity';
import { StorePlatform } from './tenancy/store-platform.entity';
import { StoreUser } from './tenancy/store-user.entity';
import { Store } from './tenancy/store.entity';
import { User } from './tenancy/user.entity';

/** Every entity, for the DataSource. */
export const entities = [Platform, User, Merchant, Store, StorePlatform, StoreUser, Customer, Product, Order];

export { Customer, Merchant, Order, Platform, Product, Store, StorePlatform, StoreUser, User };
