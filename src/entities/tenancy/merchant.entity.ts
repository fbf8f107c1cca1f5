import { Field, ObjectType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne, OneToMany, type Relation } from 'typeorm';

import { Model, Node, SoftDeletableModel } from '../base';
import type { LoyaltyProgram } from '../loyalty/loyalty-program.entity';
import type { Store } from './store.entity';
import type { User } from './user.entity';

/** A business that owns stores. Deleting it soft-deletes its stores and everything they own. */
@ObjectType({ simpleResolvers: true, implements: [Node, Model, SoftDeletableModel] })
@Entity('merchants')
export class Merchant extends SoftDeletableModel {
  @Field(() => String)
  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Field(() => String)
  @Column({ type: 'varchar', length: 255 })
  contactEmail!: string;

  @Index('idx_merchants_owner_user_id')
  @Column({ type: 'int' })
  ownerUserId!: number;

  @ManyToOne('User', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'owner_user_id' })
  owner?: Relation<User>;

  @Field(() => Boolean)
  @Column({ type: 'boolean', default: true })
  isActive!: boolean;

  @Field(() => String, { description: 'IANA time zone of its calendar days (daily stamp caps)' })
  @Column({ type: 'varchar', length: 50, default: 'Europe/Luxembourg' })
  timeZone!: string;

  @OneToMany('LoyaltyProgram', (program: LoyaltyProgram) => program.merchant, { cascade: ['soft-remove', 'recover'] })
  loyaltyPrograms?: Relation<LoyaltyProgram[]>;

  @OneToMany('Store', (store: Store) => store.merchant, { cascade: ['soft-remove', 'recover'] })
  stores?: Relation<Store[]>;
}
