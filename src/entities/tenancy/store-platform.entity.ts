import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ObjectType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';

import { Model, Node, SoftDeletableModel } from '../base';
import type { SubscriptionTier } from '../subscriptions/subscription-tier.entity';
import type { Platform } from './platform.entity';
import type { Store } from './store.entity';

/**
 * A store's membership in a platform. A store is on a platform at most once
 * and has at most one primary membership: both are partial unique indexes
 * over live rows, so the database refuses a second one even under races.
 * Memberships are soft-deleted with their store and restored with it.
 */
@ObjectType({ simpleResolvers: true, implements: [Node, Model, SoftDeletableModel] })
@Entity('store_platforms')
@Index('uq_store_platform', ['storeId', 'platformId'], { unique: true, where: '"deleted_at" IS NULL' })
@Index('uq_store_platform_one_primary', ['storeId'], {
  unique: true,
  where: '"is_primary" AND "deleted_at" IS NULL',
})
@Index('uq_store_platform_custom_subdomain', ['platformId', 'customSubdomain'], {
  unique: true,
  where: '"custom_subdomain" IS NOT NULL AND "deleted_at" IS NULL',
})
@Index('idx_store_platform_active', ['storeId', 'platformId', 'isActive'])
@Index('idx_store_platform_primary', ['storeId', 'isPrimary'])
export class StorePlatform extends SoftDeletableModel {
  @Index('idx_store_platforms_store_id')
  @Column({ type: 'int', comment: 'Reference to the store' })
  storeId!: number;

  @ManyToOne('Store', (store: Store) => store.memberships, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'store_id' })
  store?: Relation<Store>;

  @Index('idx_store_platforms_platform_id')
  @Column({ type: 'int', comment: 'Reference to the platform' })
  platformId!: number;

  @ManyToOne('Platform', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'platform_id' })
  platform?: Relation<Platform>;

  @Index('idx_store_platforms_tier_id')
  @Column({ type: 'int', nullable: true, comment: 'Platform-specific subscription tier' })
  tierId!: number | null;

  @ManyToOne('SubscriptionTier', { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'tier_id' })
  tier?: Relation<SubscriptionTier> | null;

  @Field(() => Boolean)
  @Column({ type: 'boolean', default: true, comment: 'Whether the store is active on this platform' })
  isActive!: boolean;

  @Field(() => Boolean)
  @Column({ type: 'boolean', default: false, comment: "Whether this is the store's primary platform" })
  isPrimary!: boolean;

  @Field(() => String, { nullable: true })
  @Column({
    type: 'varchar',
    length: 100,
    nullable: true,
    comment: 'Platform-specific subdomain (if different from main subdomain)',
  })
  customSubdomain!: string | null;

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description: "null outside the store's scope (the storefront of a store found by host is public)",
  })
  @Column({ type: 'jsonb', default: () => "'{}'", comment: 'Platform-specific store settings' })
  settings!: Record<string, unknown>;

  @Field(() => Date)
  @Column({ type: 'timestamptz', default: () => 'now()', comment: 'When the store joined this platform' })
  joinedAt!: Date;
}
