import { Field, Int, ObjectType } from 'type-graphql';
import { Column, Entity, Index } from 'typeorm';

import { Model, Node } from '../base';
import { AddOnCategory, BillingPeriod } from './enums';

/** A purchasable extra (domain, SSL, email package, storage), separate from tiers. */
@ObjectType({ simpleResolvers: true, implements: [Node, Model] })
@Entity('addon_products')
export class AddOnProduct extends Model {
  @Field(() => String)
  @Index('uq_addon_products_code', { unique: true })
  @Column({ type: 'varchar', length: 50 })
  code!: string;

  @Field(() => String)
  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Field(() => AddOnCategory)
  @Index('idx_addon_products_category')
  @Column({ type: 'enum', enum: AddOnCategory, enumName: 'addon_category' })
  category!: AddOnCategory;

  @Field(() => Int)
  @Column({ type: 'int' })
  priceCents!: number;

  @Field(() => BillingPeriod)
  @Column({ type: 'enum', enum: BillingPeriod, enumName: 'billing_period', default: BillingPeriod.MONTHLY })
  billingPeriod!: BillingPeriod;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 50, nullable: true })
  quantityUnit!: string | null;

  @Field(() => Int, { nullable: true })
  @Column({ type: 'int', nullable: true })
  quantityValue!: number | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 100, nullable: true })
  stripeProductId!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 100, nullable: true })
  stripePriceId!: string | null;

  @Field(() => Int)
  @Column({ type: 'int', default: 0 })
  displayOrder!: number;

  @Field(() => Boolean)
  @Column({ type: 'boolean', default: true })
  isActive!: boolean;
}
