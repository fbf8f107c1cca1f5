import { Field, Int, ObjectType } from 'type-graphql';
import { Check, Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';

import { Model, Node, SoftDeletableModel } from '../base';
import type { Store } from './store.entity';

/** An item a store sells; the SKU is unique among the store's live products. */
@ObjectType({ simpleResolvers: true, implements: [Node, Model, SoftDeletableModel] })
@Entity('products')
@Index('uq_products_store_sku_live', ['storeId', 'sku'], { unique: true, where: '"deleted_at" IS NULL' })
@Check('ck_products_price_cents', '"price_cents" >= 0')
export class Product extends SoftDeletableModel {
  @Index('idx_products_store_id')
  @Column({ type: 'int' })
  storeId!: number;

  @ManyToOne('Store', (store: Store) => store.products, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'store_id' })
  store?: Relation<Store>;

  @Field(() => String)
  @Column({ type: 'varchar', length: 100 })
  sku!: string;

  @Field(() => String)
  @Column({ type: 'varchar', length: 255 })
  name!: string;

  @Field(() => Int)
  @Column({ type: 'int' })
  priceCents!: number;

  @Field(() => Boolean)
  @Column({ type: 'boolean', default: true })
  isActive!: boolean;
}
