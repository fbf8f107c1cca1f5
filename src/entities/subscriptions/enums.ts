import { registerEnumType } from 'type-graphql';

export enum SubscriptionStatus {
  TRIAL = 'TRIAL',
  ACTIVE = 'ACTIVE',
  PAST_DUE = 'PAST_DUE',
  CANCELLED = 'CANCELLED',
  EXPIRED = 'EXPIRED',
}
registerEnumType(SubscriptionStatus, {
  name: 'SubscriptionStatus',
  description: 'TRIAL, ACTIVE, PAST_DUE (grace) and CANCELLED (until period end) allow access; EXPIRED does not',
});

/** Statuses that still allow access (the reference's `is_active`). */
export const ACCESS_STATUSES: readonly SubscriptionStatus[] = [
  SubscriptionStatus.TRIAL,
  SubscriptionStatus.ACTIVE,
  SubscriptionStatus.PAST_DUE,
  SubscriptionStatus.CANCELLED,
];

export enum AddOnCategory {
  DOMAIN = 'DOMAIN',
  SSL = 'SSL',
  EMAIL = 'EMAIL',
  STORAGE = 'STORAGE',
}
registerEnumType(AddOnCategory, { name: 'AddOnCategory' });

export enum BillingPeriod {
  MONTHLY = 'MONTHLY',
  ANNUAL = 'ANNUAL',
  ONE_TIME = 'ONE_TIME',
}
registerEnumType(BillingPeriod, { name: 'BillingPeriod' });

export enum AddOnStatus {
  ACTIVE = 'ACTIVE',
  CANCELLED = 'CANCELLED',
}
registerEnumType(AddOnStatus, { name: 'AddOnStatus' });
