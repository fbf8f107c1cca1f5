import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';

import { Model, Node } from '../base';
import type { SubscriptionTier } from '../subscriptions/subscription-tier.entity';

export enum FeatureCategory {
  ORDERS = 'ORDERS',
  INVENTORY = 'INVENTORY',
  ANALYTICS = 'ANALYTICS',
  INVOICING = 'INVOICING',
  INTEGRATIONS = 'INTEGRATIONS',
  TEAM = 'TEAM',
  BRANDING = 'BRANDING',
  CUSTOMERS = 'CUSTOMERS',
  CMS = 'CMS',
}
registerEnumType(FeatureCategory, { name: 'FeatureCategory' });

export enum FeatureUILocation {
  SIDEBAR = 'SIDEBAR',
  DASHBOARD = 'DASHBOARD',
  SETTINGS = 'SETTINGS',
  API = 'API',
  INLINE = 'INLINE',
}
registerEnumType(FeatureUILocation, { name: 'FeatureUILocation', description: 'Where the feature appears in the UI' });

/**
 * The registry entry of a capability a tier may include. Which tiers include
 * it is `SubscriptionTier.featureCodes`; `minimumTier` (the cheapest public
 * tier that includes it) is denormalised for upgrade prompts.
 */
@ObjectType({ simpleResolvers: true, implements: [Node, Model] })
@Entity('features')
@Index('idx_feature_category_order', ['category', 'displayOrder'])
@Index('idx_feature_active_visible', ['isActive', 'isVisible'])
export class Feature extends Model {
  @Field(() => String)
  @Index('uq_features_code', { unique: true })
  @Column({ type: 'varchar', length: 50 })
  code!: string;

  @Field(() => String)
  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Field(() => FeatureCategory)
  @Index('idx_features_category')
  @Column({ type: 'enum', enum: FeatureCategory, enumName: 'feature_category' })
  category!: FeatureCategory;

  @Field(() => FeatureUILocation, { nullable: true })
  @Column({ type: 'enum', enum: FeatureUILocation, enumName: 'feature_ui_location', nullable: true })
  uiLocation!: FeatureUILocation | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 50, nullable: true })
  uiIcon!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 100, nullable: true })
  uiRoute!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 20, nullable: true })
  uiBadgeText!: string | null;

  @Index('idx_features_minimum_tier_id')
  @Column({ type: 'int', nullable: true })
  minimumTierId!: number | null;

  @ManyToOne('SubscriptionTier', { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'minimum_tier_id' })
  minimumTier?: Relation<SubscriptionTier> | null;

  @Field(() => Boolean)
  @Column({ type: 'boolean', default: true })
  isActive!: boolean;

  @Field(() => Boolean, { description: 'Shown in the UI even when locked' })
  @Column({ type: 'boolean', default: true })
  isVisible!: boolean;

  @Field(() => Int)
  @Column({ type: 'int', default: 0 })
  displayOrder!: number;
}
