import { Feature } from './features/feature.entity';
import { AppleDeviceRegistration } from './loyalty/apple-device-registration.entity';
import { LoyaltyCard } from './loyalty/loyalty-card.entity';
import { LoyaltyProgram } from './loyalty/loyalty-program.entity';
import { LoyaltyTransaction } from './loyalty/loyalty-transaction.entity';
import { StaffPin, StaffPinLockout } from './loyalty/staff-pin.entity';
import { AddOnProduct } from './subscriptions/add-on-product.entity';
import { BillingHistory } from './subscriptions/billing-history.entity';
import { CapacitySnapshot } from './subscriptions/capacity-snapshot.entity';
import { StoreAddOn } from './subscriptions/store-add-on.entity';
import { StoreSubscription } from './subscriptions/store-subscription.entity';
import { SubscriptionTier } from './subscriptions/subscription-tier.entity';
import { Customer } from './tenancy/customer.entity';
import { Merchant } from './tenancy/merchant.entity';
import { Order } from './tenancy/order.entity';
import { Platform } from './tenancy/platform.entity';
import { Product } from './tenancy/product.entity';
import { Store } from './tenancy/store.entity';
import { StoreApiKey } from './tenancy/store-api-key.entity';
import { StorePlatform } from './tenancy/store-platform.entity';
import { StoreUser } from './tenancy/store-user.entity';
import { User } from './tenancy/user.entity';

/** Every entity, for the DataSource. */
export const entities = [
  Platform,
  User,
  Merchant,
  Store,
  StorePlatform,
  StoreUser,
  StoreApiKey,
  Customer,
  Product,
  Order,
  SubscriptionTier,
  Feature,
  StoreSubscription,
  AddOnProduct,
  StoreAddOn,
  BillingHistory,
  CapacitySnapshot,
  LoyaltyProgram,
  LoyaltyCard,
  LoyaltyTransaction,
  StaffPin,
  StaffPinLockout,
  AppleDeviceRegistration,
];

export {
  AddOnProduct,
  AppleDeviceRegistration,
  BillingHistory,
  CapacitySnapshot,
  Customer,
  Feature,
  LoyaltyCard,
  LoyaltyProgram,
  LoyaltyTransaction,
  Merchant,
  Order,
  Platform,
  Product,
  StaffPin,
  StaffPinLockout,
  Store,
  StoreAddOn,
  StoreApiKey,
  StorePlatform,
  StoreSubscription,
  StoreUser,
  SubscriptionTier,
  User,
};
