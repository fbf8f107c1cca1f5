import { Field, Int, ObjectType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';

import { Model, Node } from '../base';
import type { Store } from '../tenancy/store.entity';
import type { AddOnProduct } from './add-on-product.entity';
import { AddOnStatus } from './enums';

/** An add-on a store bought, with its billing period and cancellation. */
@ObjectType({ simpleResolvers: true, implements: [Node, Model] })
@Entity('store_addons')
@Index('idx_store_addon_status', ['storeId', 'status'])
@Index('idx_store_addon_product', ['storeId', 'addOnProductId'])
export class StoreAddOn extends Model {
  @Column({ type: 'int' })
  storeId!: number;

  @ManyToOne('Store', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'store_id' })
  store?: Relation<Store>;

  @Index('idx_store_addons_addon_product_id')
  @Column({ name: 'addon_product_id', type: 'int' })
  addOnProductId!: number;

  @ManyToOne('AddOnProduct', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'addon_product_id' })
  addOnProduct?: Relation<AddOnProduct>;

  @Field(() => AddOnStatus)
  @Column({ type: 'enum', enum: AddOnStatus, enumName: 'addon_status', default: AddOnStatus.ACTIVE })
  status!: AddOnStatus;

  @Field(() => String, { nullable: true })
  @Index('idx_store_addons_domain_name')
  @Column({ type: 'varchar', length: 255, nullable: true })
  domainName!: string | null;

  @Field(() => Int)
  @Column({ type: 'int', default: 1 })
  quantity!: number;

  @Column({ type: 'varchar', length: 100, nullable: true })
  stripeSubscriptionItemId!: string | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  periodStart!: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  periodEnd!: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  cancelledAt!: Date | null;
}
