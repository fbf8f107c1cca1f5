import { Field, Int, ObjectType } from 'type-graphql';
import { Check, Column, Entity, Index, JoinColumn, ManyToOne, OneToOne, type Relation } from 'typeorm';

import { Model, Node } from '../base';
import type { StorePlatform } from '../tenancy/store-platform.entity';
import { SubscriptionStatus } from './enums';
import type { SubscriptionTier } from './subscription-tier.entity';

/**
 * The subscription of one store-platform membership: status, billing period,
 * usage counters, custom limit overrides and Stripe state. Counters change
 * only through conditional updates, so limits hold under concurrency.
 */
@ObjectType({ simpleResolvers: true, implements: [Node, Model] })
@Entity('store_subscriptions')
@Index('idx_subscription_status', ['status'])
@Index('idx_subscription_period', ['periodStart', 'periodEnd'])
@Check('ck_store_subscriptions_orders_this_period', '"orders_this_period" >= 0')
export class StoreSubscription extends Model {
  @Index('uq_store_subscriptions_store_platform', { unique: true })
  @Column({ type: 'int' })
  storePlatformId!: number;

  @OneToOne('StorePlatform', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'store_platform_id' })
  storePlatform?: Relation<StorePlatform>;

  @Index('idx_store_subscriptions_tier_id')
  @Column({ type: 'int', nullable: true })
  tierId!: number | null;

  @ManyToOne('SubscriptionTier', { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'tier_id' })
  tier?: Relation<SubscriptionTier> | null;

  @Field(() => SubscriptionStatus)
  @Column({
    type: 'enum',
    enum: SubscriptionStatus,
    enumName: 'subscription_status',
    default: SubscriptionStatus.TRIAL,
  })
  status!: SubscriptionStatus;

  @Field(() => Date)
  @Column({ type: 'timestamptz' })
  periodStart!: Date;

  @Field(() => Date)
  @Column({ type: 'timestamptz' })
  periodEnd!: Date;

  @Field(() => Boolean)
  @Column({ type: 'boolean', default: false })
  isAnnual!: boolean;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  trialEndsAt!: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  cardCollectedAt!: Date | null;

  @Field(() => Int)
  @Column({ type: 'int', default: 0 })
  ordersThisPeriod!: number;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  ordersLimitReachedAt!: Date | null;

  @Field(() => Int, { nullable: true })
  @Column({ type: 'int', nullable: true })
  customOrdersLimit!: number | null;

  @Field(() => Int, { nullable: true })
  @Column({ type: 'int', nullable: true })
  customProductsLimit!: number | null;

  @Field(() => Int, { nullable: true })
  @Column({ type: 'int', nullable: true })
  customTeamLimit!: number | null;

  @Field(() => String, { nullable: true })
  @Index('idx_store_subscriptions_stripe_customer_id')
  @Column({ type: 'varchar', length: 100, nullable: true })
  stripeCustomerId!: string | null;

  @Field(() => String, { nullable: true })
  @Index('uq_store_subscriptions_stripe_subscription_id', {
    unique: true,
    where: '"stripe_subscription_id" IS NOT NULL',
  })
  @Column({ type: 'varchar', length: 100, nullable: true })
  stripeSubscriptionId!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 100, nullable: true })
  stripePriceId!: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  stripePaymentMethodId!: string | null;

  @Field(() => String)
  @Column({ type: 'varchar', length: 50, default: 'create_prorations' })
  prorationBehavior!: string;

  @Column({ type: 'int', nullable: true })
  scheduledTierId!: number | null;

  @ManyToOne('SubscriptionTier', { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'scheduled_tier_id' })
  scheduledTier?: Relation<SubscriptionTier> | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  scheduledChangeAt!: Date | null;

  @Field(() => Int)
  @Column({ type: 'int', default: 0 })
  paymentRetryCount!: number;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  lastPaymentError!: string | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  cancelledAt!: Date | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  cancellationReason!: string | null;
}
