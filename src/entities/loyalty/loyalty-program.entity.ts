import { Field, Int, ObjectType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne, OneToMany, type Relation } from 'typeorm';

import { Model, Node, SoftDeletableModel } from '../base';
import type { Merchant } from '../tenancy/merchant.entity';
import { LoyaltyType } from './enums';
import type { LoyaltyCard } from './loyalty-card.entity';

@ObjectType({ simpleResolvers: true, description: 'A reward of the points catalogue' })
export class PointsReward {
  @Field(() => String)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => Int)
  pointsRequired!: number;

  @Field(() => String, { nullable: true })
  description?: string | null;
}

/**
 * A merchant's loyalty program, shared by all its stores: stamps, points or
 * both, anti-fraud rules and card branding. One live program per merchant;
 * deleting it soft-deletes its cards.
 */
@ObjectType({ simpleResolvers: true, implements: [Node, Model, SoftDeletableModel] })
@Entity('loyalty_programs')
@Index('uq_loyalty_programs_merchant_live', ['merchantId'], { unique: true, where: '"deleted_at" IS NULL' })
@Index('idx_loyalty_program_merchant_active', ['merchantId', 'isActive'])
export class LoyaltyProgram extends SoftDeletableModel {
  @Column({ type: 'int', comment: 'Merchant that owns this program (chain-wide)' })
  merchantId!: number;

  @ManyToOne('Merchant', (merchant: Merchant) => merchant.loyaltyPrograms, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'merchant_id' })
  merchant?: Relation<Merchant>;

  @Field(() => LoyaltyType)
  @Column({ type: 'enum', enum: LoyaltyType, enumName: 'loyalty_type', default: LoyaltyType.POINTS })
  loyaltyType!: LoyaltyType;

  @Field(() => Int)
  @Column({ type: 'int', default: 10, comment: 'Number of stamps needed for reward' })
  stampsTarget!: number;

  @Field(() => String)
  @Column({ type: 'varchar', length: 255, default: 'Free item' })
  stampsRewardDescription!: string;

  @Field(() => Int, { nullable: true })
  @Column({ type: 'int', nullable: true, comment: 'Value of stamp reward in cents (for analytics)' })
  stampsRewardValueCents!: number | null;

  @Field(() => Int)
  @Column({ type: 'int', default: 1, comment: 'Points earned per whole euro spent' })
  pointsPerEuro!: number;

  @Field(() => [PointsReward])
  @Column({ type: 'jsonb', default: () => "'[]'" })
  pointsRewards!: PointsReward[];

  @Field(() => Int, { nullable: true, description: 'Days without activity before points expire; null = never' })
  @Column({ type: 'int', nullable: true })
  pointsExpirationDays!: number | null;

  @Field(() => Int)
  @Column({ type: 'int', default: 0 })
  welcomeBonusPoints!: number;

  @Field(() => Int)
  @Column({ type: 'int', default: 100 })
  minimumRedemptionPoints!: number;

  @Field(() => Int)
  @Column({ type: 'int', default: 0, comment: 'Minimum purchase (cents) to earn points (0 = no minimum)' })
  minimumPurchaseCents!: number;

  @Column({ type: 'jsonb', nullable: true, comment: 'Future: tier thresholds' })
  tierConfig!: Record<string, number> | null;

  @Field(() => Int)
  @Column({ type: 'int', default: 15, comment: 'Minutes between stamps for same card' })
  cooldownMinutes!: number;

  @Field(() => Int)
  @Column({ type: 'int', default: 5, comment: 'Maximum stamps per card per day' })
  maxDailyStamps!: number;

  @Field(() => Boolean)
  @Column({ type: 'boolean', default: true })
  requireStaffPin!: boolean;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 100, nullable: true })
  cardName!: string | null;

  @Field(() => String)
  @Column({ type: 'varchar', length: 7, default: '#4F46E5' })
  cardColor!: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 7, nullable: true })
  cardSecondaryColor!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 500, nullable: true })
  logoUrl!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 500, nullable: true })
  heroImageUrl!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 100, nullable: true })
  googleIssuerId!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 200, nullable: true })
  googleClassId!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 100, nullable: true })
  applePassTypeId!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  termsText!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 500, nullable: true })
  privacyUrl!: string | null;

  @Field(() => Boolean)
  @Index('idx_loyalty_programs_is_active')
  @Column({ type: 'boolean', default: true })
  isActive!: boolean;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  activatedAt!: Date | null;

  @OneToMany('LoyaltyCard', (card: LoyaltyCard) => card.program, { cascade: ['soft-remove', 'recover'] })
  cards?: Relation<LoyaltyCard[]>;

  @Field(() => Boolean)
  get isStampsEnabled(): boolean {
    return this.loyaltyType === LoyaltyType.STAMPS || this.loyaltyType === LoyaltyType.HYBRID;
  }

  @Field(() => Boolean)
  get isPointsEnabled(): boolean {
    return this.loyaltyType === LoyaltyType.POINTS || this.loyaltyType === LoyaltyType.HYBRID;
  }

  @Field(() => String)
  get displayName(): string {
    return this.cardName || 'Loyalty Card';
  }
}
