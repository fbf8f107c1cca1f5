import { GraphQLJSON } from 'graphql-scalars';
import { Field, Int, ObjectType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';

import { Model, Node } from '../base';
import type { StoreSubscription } from './store-subscription.entity';

/** An invoice of a store subscription, as Stripe reported it. */
@ObjectType({ simpleResolvers: true, implements: [Node, Model] })
@Entity('billing_history')
@Index('idx_billing_subscription_date', ['storeSubscriptionId', 'invoiceDate'])
@Index('idx_billing_status', ['storeSubscriptionId', 'status'])
export class BillingHistory extends Model {
  @Column({ type: 'int' })
  storeSubscriptionId!: number;

  @ManyToOne('StoreSubscription', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'store_subscription_id' })
  storeSubscription?: Relation<StoreSubscription>;

  @Field(() => String, { nullable: true })
  @Index('uq_billing_history_stripe_invoice_id', { unique: true, where: '"stripe_invoice_id" IS NOT NULL' })
  @Column({ type: 'varchar', length: 100, nullable: true })
  stripeInvoiceId!: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  stripePaymentIntentId!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 50, nullable: true })
  invoiceNumber!: string | null;

  @Field(() => Date)
  @Column({ type: 'timestamptz' })
  invoiceDate!: Date;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  dueDate!: Date | null;

  @Field(() => Int)
  @Column({ type: 'int' })
  subtotalCents!: number;

  @Field(() => Int)
  @Column({ type: 'int', default: 0 })
  taxCents!: number;

  @Field(() => Int)
  @Column({ type: 'int' })
  totalCents!: number;

  @Field(() => Int)
  @Column({ type: 'int', default: 0 })
  amountPaidCents!: number;

  @Field(() => String)
  @Column({ type: 'varchar', length: 3, default: 'EUR' })
  currency!: string;

  @Field(() => String)
  @Column({ type: 'varchar', length: 20 })
  status!: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 500, nullable: true })
  invoicePdfUrl!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 500, nullable: true })
  hostedInvoiceUrl!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Field(() => GraphQLJSON, { nullable: true })
  @Column({ type: 'jsonb', nullable: true })
  lineItems!: unknown[] | null;
}
