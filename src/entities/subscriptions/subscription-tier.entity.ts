import { Field, Int, ObjectType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';

import { Model, Node } from '../base';
import type { Platform } from '../tenancy/platform.entity';

/**
 * A subscription tier with its prices, limits (null = unlimited) and feature
 * codes. Global when `platformId` is null; the code is unique per platform
 * and among global tiers.
 */
@ObjectType({ simpleResolvers: true, implements: [Node, Model] })
@Entity('subscription_tiers')
@Index('uq_subscription_tiers_platform_code', ['platformId', 'code'], {
  unique: true,
  where: '"platform_id" IS NOT NULL',
})
@Index('uq_subscription_tiers_global_code', ['code'], { unique: true, where: '"platform_id" IS NULL' })
@Index('idx_tier_platform_active', ['platformId', 'isActive'])
export class SubscriptionTier extends Model {
  @Index('idx_subscription_tiers_platform_id')
  @Column({ type: 'int', nullable: true, comment: 'Platform this tier belongs to (NULL = global tier)' })
  platformId!: number | null;

  @ManyToOne('Platform', { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'platform_id' })
  platform?: Relation<Platform> | null;

  @Field(() => String)
  @Column({ type: 'varchar', length: 30 })
  code!: string;

  @Field(() => String)
  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Field(() => Int)
  @Column({ type: 'int' })
  priceMonthlyCents!: number;

  @Field(() => Int, { nullable: true })
  @Column({ type: 'int', nullable: true })
  priceAnnualCents!: number | null;

  @Field(() => Int, { nullable: true, description: 'null = unlimited' })
  @Column({ type: 'int', nullable: true })
  ordersPerMonth!: number | null;

  @Field(() => Int, { nullable: true, description: 'null = unlimited' })
  @Column({ type: 'int', nullable: true })
  productsLimit!: number | null;

  @Field(() => Int, { nullable: true, description: 'null = unlimited' })
  @Column({ type: 'int', nullable: true })
  teamMembers!: number | null;

  @Field(() => Int, { nullable: true, description: 'null = unlimited' })
  @Column({ type: 'int', nullable: true })
  orderHistoryMonths!: number | null;

  @Field(() => Int, { nullable: true, description: 'null = unlimited' })
  @Column({ type: 'int', nullable: true, comment: 'Total CMS pages limit (NULL = unlimited)' })
  cmsPagesLimit!: number | null;

  @Field(() => Int, { nullable: true, description: 'null = unlimited' })
  @Column({ type: 'int', nullable: true, comment: 'Custom pages limit, excluding overrides (NULL = unlimited)' })
  cmsCustomPagesLimit!: number | null;

  @Field(() => [String])
  @Column({ name: 'features', type: 'jsonb', default: () => "'[]'" })
  featureCodes!: string[];

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 100, nullable: true })
  stripeProductId!: string | null;

  @Field(() => String, { nullable: true })
  @Index('idx_subscription_tiers_stripe_price_monthly_id')
  @Column({ type: 'varchar', length: 100, nullable: true })
  stripePriceMonthlyId!: string | null;

  @Field(() => String, { nullable: true })
  @Index('idx_subscription_tiers_stripe_price_annual_id')
  @Column({ type: 'varchar', length: 100, nullable: true })
  stripePriceAnnualId!: string | null;

  @Field(() => Int)
  @Column({ type: 'int', default: 0 })
  displayOrder!: number;

  @Field(() => Boolean)
  @Column({ type: 'boolean', default: true })
  isActive!: boolean;

  @Field(() => Boolean)
  @Column({ type: 'boolean', default: true })
  isPublic!: boolean;
}
