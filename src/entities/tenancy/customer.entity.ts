import { Field, ObjectType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';

import { Model, Node, SoftDeletableModel } from '../base';
import type { Store } from './store.entity';

/** A shopper of one store; the email is unique among the store's live customers. */
@ObjectType({ simpleResolvers: true, implements: [Node, Model, SoftDeletableModel] })
@Entity('customers')
@Index('uq_customers_store_email_live', ['storeId', 'email'], { unique: true, where: '"deleted_at" IS NULL' })
export class Customer extends SoftDeletableModel {
  @Index('idx_customers_store_id')
  @Column({ type: 'int' })
  storeId!: number;

  @ManyToOne('Store', (store: Store) => store.customers, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'store_id' })
  store?: Relation<Store>;

  @Field(() => String)
  @Column({ type: 'varchar', length: 255 })
  email!: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 200, nullable: true })
  name!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 50, nullable: true })
  phone!: string | null;
}
