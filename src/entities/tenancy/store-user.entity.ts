import { Field, ObjectType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';

import { Model, Node, SoftDeletableModel } from '../base';
import { StoreRole } from './enums';
import type { Store } from './store.entity';
import type { User } from './user.entity';

/**
 * Team membership of a user in a store, pending until the invitation is
 * accepted. Pending and accepted members both count against the tier's team limit.
 */
@ObjectType({ simpleResolvers: true, implements: [Node, Model, SoftDeletableModel] })
@Entity('store_users')
@Index('uq_store_users_store_user_live', ['storeId', 'userId'], { unique: true, where: '"deleted_at" IS NULL' })
export class StoreUser extends SoftDeletableModel {
  @Index('idx_store_users_store_id')
  @Column({ type: 'int' })
  storeId!: number;

  @ManyToOne('Store', (store: Store) => store.teamMembers, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'store_id' })
  store?: Relation<Store>;

  @Index('idx_store_users_user_id')
  @Column({ type: 'int' })
  userId!: number;

  @ManyToOne('User', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<User>;

  @Field(() => StoreRole)
  @Column({ type: 'enum', enum: StoreRole, enumName: 'store_role' })
  role!: StoreRole;

  @Field(() => Boolean)
  @Column({ type: 'boolean', default: true })
  isActive!: boolean;

  @Field(() => Date)
  @Column({ type: 'timestamptz', default: () => 'now()' })
  invitedAt!: Date;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  acceptedAt!: Date | null;

  /** SHA-256 of the invitation token; the token itself is shown once. */
  @Index('uq_store_users_invitation_token_hash', { unique: true, where: '"invitation_token_hash" IS NOT NULL' })
  @Column({ type: 'varchar', length: 64, nullable: true, select: false })
  invitationTokenHash!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  invitationExpiresAt!: Date | null;
}
