import { Field, ObjectType } from 'type-graphql';
import { Check, Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';

import { Model, Node } from '../base';
import type { Store } from './store.entity';
import type { User } from './user.entity';

/**
 * A store's API key: a bearer credential for integrations that acts as a
 * team member of exactly this store. Only the SHA-256 of the key is stored
 * (the key is shown once, at creation); `prefix` identifies it in lists.
 * A revoked key stays as a record and never authenticates again.
 */
@ObjectType({
  simpleResolvers: true,
  implements: [Node, Model],
  description: 'A store API key; the secret itself is shown only once',
})
@Entity('store_api_keys')
@Check('ck_store_api_keys_key_hash', `"key_hash" ~ '^[0-9a-f]{64}$'`)
@Check('ck_store_api_keys_revoked_by', '"revoked_by_id" IS NULL OR "revoked_at" IS NOT NULL')
export class StoreApiKey extends Model {
  @Index('idx_store_api_keys_store_id')
  @Column({ type: 'int' })
  storeId!: number;

  @ManyToOne('Store', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'store_id' })
  store?: Relation<Store>;

  @Field(() => String)
  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Field(() => String, { description: 'The first 8 characters after `orion_sk_`: enough to tell keys apart' })
  @Column({ type: 'varchar', length: 8 })
  prefix!: string;

  /** SHA-256 (hex) of the whole key: the lookup on every request, and all that a leaked database reveals. */
  @Index('uq_store_api_keys_key_hash', { unique: true })
  @Column({ type: 'varchar', length: 64, select: false })
  keyHash!: string;

  @Column({ type: 'int', nullable: true })
  createdById!: number | null;

  @ManyToOne('User', { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'created_by_id' })
  createdBy?: Relation<User> | null;

  @Field(() => Date, { nullable: true, description: 'Updated at most once a minute' })
  @Column({ type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ type: 'int', nullable: true })
  revokedById!: number | null;

  @ManyToOne('User', { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'revoked_by_id' })
  revokedBy?: Relation<User> | null;

  @Field(() => Boolean, { description: 'Not revoked (it also needs the store to keep api_access)' })
  get isActive(): boolean {
    return this.revokedAt === null;
  }
}
