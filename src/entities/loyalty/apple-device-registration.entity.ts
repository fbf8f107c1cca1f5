import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';

import { Model } from '../base';
import type { LoyaltyCard } from './loyalty-card.entity';

/** A device that added a card's Apple Wallet pass and asked for updates (PassKit web service). */
@Entity('apple_device_registrations')
@Index('uq_apple_device_registrations', ['deviceLibraryIdentifier', 'passTypeIdentifier', 'cardId'], { unique: true })
export class AppleDeviceRegistration extends Model {
  @Column({ type: 'varchar', length: 100 })
  deviceLibraryIdentifier!: string;

  @Column({ type: 'varchar', length: 200 })
  pushToken!: string;

  @Column({ type: 'varchar', length: 100 })
  passTypeIdentifier!: string;

  @Index('idx_apple_device_registrations_card_id')
  @Column({ type: 'int' })
  cardId!: number;

  @ManyToOne('LoyaltyCard', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'card_id' })
  card?: Relation<LoyaltyCard>;
}
