import { Field, Int, ObjectType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';

import { Model, Node } from '../base';
import type { Store } from '../tenancy/store.entity';
import { LoyaltyTransactionType } from './enums';
import type { LoyaltyCard } from './loyalty-card.entity';
import type { StaffPin } from './staff-pin.entity';

/**
 * The append-only ledger of a card: every change of its stamps or points,
 * written in the same transaction as the change, with the balances after it.
 * An idempotency key is unique per card; a points earning is voided at most once.
 */
@ObjectType({ simpleResolvers: true, implements: [Node, Model] })
@Entity('loyalty_transactions')
@Index('uq_loyalty_transactions_card_idempotency_key', ['cardId', 'idempotencyKey'], {
  unique: true,
  where: '"idempotency_key" IS NOT NULL',
})
@Index('uq_loyalty_transactions_voided_once', ['relatedTransactionId'], {
  unique: true,
  where: `"type" = 'POINTS_VOIDED' AND "related_transaction_id" IS NOT NULL`,
})
@Index('idx_loyalty_transactions_card_type_created', ['cardId', 'type', 'createdAt'])
export class LoyaltyTransaction extends Model {
  @Column({ type: 'int' })
  cardId!: number;

  @ManyToOne('LoyaltyCard', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'card_id' })
  card?: Relation<LoyaltyCard>;

  @Field(() => LoyaltyTransactionType)
  @Column({ type: 'enum', enum: LoyaltyTransactionType, enumName: 'loyalty_transaction_type' })
  type!: LoyaltyTransactionType;

  @Field(() => Int)
  @Column({ type: 'int', default: 0 })
  stampsDelta!: number;

  @Field(() => Int)
  @Column({ type: 'int', default: 0 })
  pointsDelta!: number;

  @Field(() => Int)
  @Column({ type: 'int' })
  stampsAfter!: number;

  @Field(() => Int)
  @Column({ type: 'int' })
  pointsAfter!: number;

  @Index('idx_loyalty_transactions_store_id')
  @Column({ type: 'int', nullable: true })
  storeId!: number | null;

  @ManyToOne('Store', { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'store_id' })
  store?: Relation<Store> | null;

  @Column({ type: 'int', nullable: true })
  staffPinId!: number | null;

  @ManyToOne('StaffPin', { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'staff_pin_id' })
  staffPin?: Relation<StaffPin> | null;

  @Field(() => String, { nullable: true, description: 'The staff member whose PIN was entered' })
  @Column({ type: 'varchar', length: 100, nullable: true })
  staffName!: string | null;

  @Field(() => Int, { nullable: true })
  @Column({ type: 'int', nullable: true })
  purchaseAmountCents!: number | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 100, nullable: true })
  orderReference!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 50, nullable: true })
  rewardId!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 500, nullable: true })
  reason!: string | null;

  @Column({ type: 'int', nullable: true })
  relatedTransactionId!: number | null;

  @ManyToOne('LoyaltyTransaction', { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'related_transaction_id' })
  relatedTransaction?: Relation<LoyaltyTransaction> | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  idempotencyKey!: string | null;
}
