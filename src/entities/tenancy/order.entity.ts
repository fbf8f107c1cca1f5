import { Field, Int, ObjectType } from 'type-graphql';
import { Check, Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';

import { Model, Node, SoftDeletableModel } from '../base';
import type { Customer } from './customer.entity';
import type { Store } from './store.entity';

/** A sale of one store, in integer cents of `currency`. */
@ObjectType({ simpleResolvers: true, implements: [Node, Model, SoftDeletableModel] })
@Entity('orders')
@Index('idx_orders_store_placed_at', ['storeId', 'placedAt'])
@Check('ck_orders_total_cents', '"total_cents" >= 0')
export class Order extends SoftDeletableModel {
  @Column({ type: 'int' })
  storeId!: number;

  @ManyToOne('Store', (store: Store) => store.orders, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'store_id' })
  store?: Relation<Store>;

  @Index('idx_orders_customer_id')
  @Column({ type: 'int', nullable: true })
  customerId!: number | null;

  @ManyToOne('Customer', { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'customer_id' })
  customer?: Relation<Customer> | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 100, nullable: true })
  reference!: string | null;

  @Field(() => Int)
  @Column({ type: 'int' })
  totalCents!: number;

  @Field(() => String)
  @Column({ type: 'char', length: 3, default: 'EUR' })
  currency!: string;

  @Field(() => Date)
  @Column({ type: 'timestamptz', default: () => 'now()' })
  placedAt!: Date;
}
