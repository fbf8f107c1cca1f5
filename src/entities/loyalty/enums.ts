import { registerEnumType } from 'type-graphql';

export enum LoyaltyType {
  STAMPS = 'STAMPS',
  POINTS = 'POINTS',
  HYBRID = 'HYBRID',
}
registerEnumType(LoyaltyType, { name: 'LoyaltyType' });

export enum LoyaltyTransactionType {
  WELCOME_BONUS = 'WELCOME_BONUS',
  STAMP_EARNED = 'STAMP_EARNED',
  STAMP_REWARD_REDEEMED = 'STAMP_REWARD_REDEEMED',
  POINTS_EARNED = 'POINTS_EARNED',
  POINTS_REDEEMED = 'POINTS_REDEEMED',
  POINTS_VOIDED = 'POINTS_VOIDED',
  POINTS_EXPIRED = 'POINTS_EXPIRED',
}
registerEnumType(LoyaltyTransactionType, { name: 'LoyaltyTransactionType' });
