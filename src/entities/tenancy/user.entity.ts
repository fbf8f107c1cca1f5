import { Field, ObjectType } from 'type-graphql';
import { Column, Entity, Index } from 'typeorm';

import { Model, Node, SoftDeletableModel } from '../base';
import { Role } from './enums';

/** A person who signs in. Email and username are unique among live users; the password hash never leaves the server. */
@ObjectType({ simpleResolvers: true, implements: [Node, Model, SoftDeletableModel] })
@Entity('users')
@Index('uq_users_email_live', ['email'], { unique: true, where: '"deleted_at" IS NULL' })
@Index('uq_users_username_live', ['username'], { unique: true, where: '"deleted_at" IS NULL' })
export class User extends SoftDeletableModel {
  @Field(() => String)
  @Column({ type: 'varchar', length: 255 })
  email!: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 100, nullable: true })
  username!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 200, nullable: true })
  name!: string | null;

  /** argon2id; null until an invited user accepts. */
  @Column({ type: 'varchar', length: 255, nullable: true, select: false })
  passwordHash!: string | null;

  @Field(() => Role)
  @Column({ type: 'enum', enum: Role, enumName: 'user_role' })
  role!: Role;

  @Field(() => Boolean)
  @Column({ type: 'boolean', default: true })
  isActive!: boolean;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  lastLoginAt!: Date | null;
}
