import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, Float, Int, ObjectType } from 'type-graphql';
import { Column, Entity, Index } from 'typeorm';

import { Model, Node } from '../base';

const numeric = { from: (v: string | null) => (v === null ? null : Number(v)), to: (v: number | null) => v };

/** A daily measurement of the platform's size and headroom, for growth trends. */
@ObjectType({ simpleResolvers: true, implements: [Node, Model] })
@Entity('capacity_snapshots')
export class CapacitySnapshot extends Model {
  @Field(() => Date)
  @Index('uq_capacity_snapshots_date', { unique: true })
  @Column({ type: 'timestamptz' })
  snapshotDate!: Date;

  @Field(() => Int) @Column({ type: 'int', default: 0 }) totalStores!: number;
  @Field(() => Int) @Column({ type: 'int', default: 0 }) activeStores!: number;
  @Field(() => Int) @Column({ type: 'int', default: 0 }) trialStores!: number;
  @Field(() => Int) @Column({ type: 'int', default: 0 }) totalSubscriptions!: number;
  @Field(() => Int) @Column({ type: 'int', default: 0 }) activeSubscriptions!: number;
  @Field(() => Int) @Column({ type: 'int', default: 0 }) totalProducts!: number;
  @Field(() => Int) @Column({ type: 'int', default: 0 }) totalOrdersMonth!: number;
  @Field(() => Int) @Column({ type: 'int', default: 0 }) totalTeamMembers!: number;

  @Field(() => Float)
  @Column({ type: 'numeric', precision: 10, scale: 2, default: 0, transformer: numeric })
  storageUsedGb!: number;

  @Field(() => Float)
  @Column({ type: 'numeric', precision: 10, scale: 2, default: 0, transformer: numeric })
  dbSizeMb!: number;

  @Field(() => Int, { nullable: true }) @Column({ type: 'int', nullable: true }) theoreticalProductsLimit!:
    number | null;
  @Field(() => Int, { nullable: true }) @Column({ type: 'int', nullable: true }) theoreticalOrdersLimit!: number | null;
  @Field(() => Int, { nullable: true }) @Column({ type: 'int', nullable: true }) theoreticalTeamLimit!: number | null;

  @Field(() => GraphQLJSONObject, { nullable: true })
  @Column({ type: 'jsonb', nullable: true })
  tierDistribution!: Record<string, number> | null;

  @Field(() => Int, { nullable: true }) @Column({ type: 'int', nullable: true }) avgResponseMs!: number | null;

  @Field(() => Float, { nullable: true })
  @Column({ type: 'numeric', precision: 5, scale: 2, nullable: true, transformer: numeric })
  peakCpuPercent!: number | null;

  @Field(() => Float, { nullable: true })
  @Column({ type: 'numeric', precision: 5, scale: 2, nullable: true, transformer: numeric })
  peakMemoryPercent!: number | null;
}
