import { Field, ObjectType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne, OneToMany, type Relation } from 'typeorm';

import { Model, Node, SoftDeletableModel } from '../base';
import type { Customer } from './customer.entity';
import type { Merchant } from './merchant.entity';
import type { Order } from './order.entity';
import type { Product } from './product.entity';
import type { StorePlatform } from './store-platform.entity';
import type { StoreUser } from './store-user.entity';

/**
 * A merchant's shop. Store code and subdomain are unique among live stores,
 * so both can be reused once a store is deleted.
 */
@ObjectType({ simpleResolvers: true, implements: [Node, Model, SoftDeletableModel] })
@Entity('stores')
@Index('uq_stores_store_code_live', ['storeCode'], { unique: true, where: '"deleted_at" IS NULL' })
@Index('uq_stores_subdomain_live', ['subdomain'], { unique: true, where: '"deleted_at" IS NULL' })
export class Store extends SoftDeletableModel {
  @Index('idx_stores_merchant_id')
  @Column({ type: 'int' })
  merchantId!: number;

  @ManyToOne('Merchant', (merchant: Merchant) => merchant.stores, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'merchant_id' })
  merchant?: Relation<Merchant>;

  @Field(() => String)
  @Column({ type: 'varchar', length: 50 })
  storeCode!: string;

  @Field(() => String)
  @Column({ type: 'varchar', length: 100 })
  subdomain!: string;

  @Field(() => String)
  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Field(() => Boolean)
  @Column({ type: 'boolean', default: true })
  isActive!: boolean;

  @OneToMany('StorePlatform', (sp: StorePlatform) => sp.store, { cascade: ['soft-remove', 'recover'] })
  memberships?: Relation<StorePlatform[]>;

  @OneToMany('StoreUser', (su: StoreUser) => su.store, { cascade: ['soft-remove', 'recover'] })
  teamMembers?: Relation<StoreUser[]>;

  @OneToMany('Customer', (c: Customer) => c.store, { cascade: ['soft-remove', 'recover'] })
  customers?: Relation<Customer[]>;

  @OneToMany('Product', (p: Product) => p.store, { cascade: ['soft-remove', 'recover'] })
  products?: Relation<Product[]>;

  @OneToMany('Order', (o: Order) => o.store, { cascade: ['soft-remove', 'recover'] })
  orders?: Relation<Order[]>;
}
