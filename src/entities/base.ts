import { Field, ID, InterfaceType } from 'type-graphql';
import {
  Column,
  CreateDateColumn,
  DeleteDateColumn,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
  UpdateDateColumn,
} from 'typeorm';

import { toGlobalId } from '../common/global-id';
import type { User } from './tenancy/user.entity';

/** Relay object identification: every object with an id is reachable through `node(id)`. */
@InterfaceType('Node', { description: 'An object with an opaque global ID' })
export abstract class Node {
  @Field(() => ID, { name: 'id', simple: false })
  readonly globalId!: string;
}

/** Integer key inside, opaque global ID outside; creation and update times. */
@InterfaceType('Timestamped', { implements: Node, description: 'A stored object with its creation and update times' })
export abstract class Model implements Node {
  @PrimaryGeneratedColumn()
  id!: number;

  @Field(() => Date)
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Field(() => Date)
  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  @Field(() => ID, { name: 'id', simple: false })
  get globalId(): string {
    return toGlobalId(this.constructor.name, this.id);
  }
}

/**
 * A row that is soft-deleted, never erased: TypeORM hides it from finds while
 * `deletedAt` is set; the soft-delete subscriber stamps `deletedBy`, cascades
 * to owned children and refuses hard deletes.
 */
@InterfaceType('SoftDeletable', {
  implements: [Node, Model],
  description: 'Deleted rows are hidden unless an ADMIN asks for them',
})
export abstract class SoftDeletableModel extends Model {
  @Field(() => Date, { nullable: true })
  @DeleteDateColumn({ type: 'timestamptz' })
  deletedAt!: Date | null;

  @Column({ type: 'int', nullable: true })
  deletedById!: number | null;

  /** Resolved per type by SoftDeletableResolver (through a loader). */
  // A lazy require: user.entity imports this module, so a top-level import would be circular.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  @Field(() => require('./tenancy/user.entity').User, { nullable: true })
  @ManyToOne('User', { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'deleted_by_id' })
  deletedBy?: Relation<User> | null;
}
