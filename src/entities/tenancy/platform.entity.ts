import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ObjectType } from 'type-graphql';
import { Column, Entity, Index } from 'typeorm';

import { Model, Node } from '../base';

/** A product line a store can join (`oms`, `loyalty`); reached by path prefix or by its domain. */
@ObjectType({ simpleResolvers: true, implements: [Node, Model] })
@Entity('platforms')
export class Platform extends Model {
  @Field(() => String)
  @Index('uq_platforms_code', { unique: true })
  @Column({ type: 'varchar', length: 50 })
  code!: string;

  @Field(() => String)
  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Field(() => String, { nullable: true, description: 'Host whose subdomains name stores, e.g. loyalty.localhost' })
  @Index('uq_platforms_domain', { unique: true, where: '"domain" IS NOT NULL' })
  @Column({ type: 'varchar', length: 255, nullable: true })
  domain!: string | null;

  @Field(() => Boolean)
  @Column({ type: 'boolean', default: true })
  isActive!: boolean;

  @Field(() => GraphQLJSONObject)
  @Column({ type: 'jsonb', default: () => "'{}'" })
  settings!: Record<string, unknown>;
}
