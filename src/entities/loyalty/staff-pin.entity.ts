import { Field, ObjectType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';

import { Model, Node } from '../base';
import type { Store } from '../tenancy/store.entity';
import type { LoyaltyProgram } from './loyalty-program.entity';

/**
 * A staff member's PIN for counter operations, valid at one store or (store
 * null) at all of the program's stores. Stored as HMAC-SHA256 keyed with a
 * server secret and the program id, so one indexed lookup finds it; PINs are
 * unique within a program. Wrong-PIN lockout is per store (StaffPinLockout).
 */
@ObjectType({ simpleResolvers: true, implements: [Node, Model] })
@Entity('staff_pins')
@Index('uq_staff_pins_program_pin', ['programId', 'pinHash'], { unique: true })
export class StaffPin extends Model {
  @Index('idx_staff_pins_program_id')
  @Column({ type: 'int' })
  programId!: number;

  @ManyToOne('LoyaltyProgram', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'program_id' })
  program?: Relation<LoyaltyProgram>;

  @Column({ type: 'int', nullable: true })
  storeId!: number | null;

  @ManyToOne('Store', { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'store_id' })
  store?: Relation<Store> | null;

  @Field(() => String)
  @Column({ type: 'varchar', length: 100 })
  staffName!: string;

  @Column({ type: 'varchar', length: 64, select: false })
  pinHash!: string;

  @Field(() => Boolean)
  @Column({ type: 'boolean', default: true })
  isActive!: boolean;
}

/** Wrong PINs in a row at a store; 5 lock PIN entry there for 15 minutes. */
@Entity('staff_pin_lockouts')
@Index('uq_staff_pin_lockouts_program_store', ['programId', 'storeId'], { unique: true })
export class StaffPinLockout extends Model {
  @Column({ type: 'int' })
  programId!: number;

  @ManyToOne('LoyaltyProgram', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'program_id' })
  program?: Relation<LoyaltyProgram>;

  @Column({ type: 'int' })
  storeId!: number;

  @ManyToOne('Store', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'store_id' })
  store?: Relation<Store>;

  @Column({ type: 'int', default: 0 })
  failedAttempts!: number;

  @Column({ type: 'timestamptz', nullable: true })
  lockedUntil!: Date | null;
}
