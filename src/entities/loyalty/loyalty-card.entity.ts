import { Field, Int, ObjectType } from 'type-graphql';
import { Check, Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';

import { Model, Node, SoftDeletableModel } from '../base';
import type { Customer } from '../tenancy/customer.entity';
import type { Merchant } from '../tenancy/merchant.entity';
import type { Store } from '../tenancy/store.entity';
import type { LoyaltyProgram } from './loyalty-program.entity';

/**
 * A customer's card in a merchant's program, usable at every store of the
 * merchant. Balances never go below zero (CHECK constraints) and always equal
 * the sums of the card's ledger; one live card per customer per merchant.
 */
@ObjectType({ simpleResolvers: true, implements: [Node, Model, SoftDeletableModel] })
@Entity('loyalty_cards')
@Index('uq_loyalty_cards_merchant_customer_live', ['merchantId', 'customerId'], {
  unique: true,
  where: '"deleted_at" IS NULL',
})
@Index('idx_loyalty_card_merchant_active', ['merchantId', 'isActive'])
@Check('ck_loyalty_cards_points_balance_nonneg', '"points_balance" >= 0')
@Check('ck_loyalty_cards_stamp_count_nonneg', '"stamp_count" >= 0')
export class LoyaltyCard extends SoftDeletableModel {
  @Index('idx_loyalty_cards_merchant_id')
  @Column({ type: 'int', comment: 'Merchant whose program this card belongs to' })
  merchantId!: number;

  @ManyToOne('Merchant', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'merchant_id' })
  merchant?: Relation<Merchant>;

  @Index('idx_loyalty_cards_customer_id')
  @Column({ type: 'int' })
  customerId!: number;

  @ManyToOne('Customer', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customer_id' })
  customer?: Relation<Customer>;

  @Index('idx_loyalty_cards_program_id')
  @Column({ type: 'int' })
  programId!: number;

  @ManyToOne('LoyaltyProgram', (program: LoyaltyProgram) => program.cards, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'program_id' })
  program?: Relation<LoyaltyProgram>;

  @Index('idx_loyalty_cards_enrolled_at_store_id')
  @Column({ type: 'int', nullable: true, comment: 'Store where customer enrolled (for analytics)' })
  enrolledAtStoreId!: number | null;

  @ManyToOne('Store', { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'enrolled_at_store_id' })
  enrolledAtStore?: Relation<Store> | null;

  @Field(() => String, { description: 'XXXX-XXXX-XXXX' })
  @Index('uq_loyalty_cards_card_number', { unique: true })
  @Column({ type: 'varchar', length: 20 })
  cardNumber!: string;

  @Field(() => String, { description: 'Data encoded in the QR code' })
  @Index('uq_loyalty_cards_qr_code_data', { unique: true })
  @Column({ type: 'varchar', length: 50 })
  qrCodeData!: string;

  @Field(() => Int, { description: 'Stamps toward the next reward' })
  @Column({ type: 'int', default: 0 })
  stampCount!: number;

  @Field(() => Int)
  @Column({ type: 'int', default: 0 })
  totalStampsEarned!: number;

  @Field(() => Int, { description: 'Stamp rewards redeemed' })
  @Column({ type: 'int', default: 0 })
  stampsRedeemed!: number;

  @Field(() => Int)
  @Column({ type: 'int', default: 0 })
  pointsBalance!: number;

  @Field(() => Int)
  @Column({ type: 'int', default: 0 })
  totalPointsEarned!: number;

  @Field(() => Int)
  @Column({ type: 'int', default: 0 })
  pointsRedeemed!: number;

  @Field(() => Int, { description: 'Points removed by returns and expiry' })
  @Column({ type: 'int', default: 0 })
  totalPointsVoided!: number;

  @Field(() => String, { nullable: true })
  @Index('idx_loyalty_cards_google_object_id')
  @Column({ type: 'varchar', length: 200, nullable: true })
  googleObjectId!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 2000, nullable: true })
  googleObjectJwt!: string | null;

  @Field(() => String, { nullable: true })
  @Index('uq_loyalty_cards_apple_serial_number', { unique: true, where: '"apple_serial_number" IS NOT NULL' })
  @Column({ type: 'varchar', length: 100, nullable: true })
  appleSerialNumber!: string | null;

  /** Apple Wallet web-service token: a secret, never exposed. */
  @Column({ type: 'varchar', length: 100, nullable: true, select: false })
  appleAuthToken!: string | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  lastStampAt!: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  lastPointsAt!: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  lastRedemptionAt!: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  lastActivityAt!: Date | null;

  @Field(() => Boolean)
  @Index('idx_loyalty_cards_is_active')
  @Column({ type: 'boolean', default: true })
  isActive!: boolean;
}
