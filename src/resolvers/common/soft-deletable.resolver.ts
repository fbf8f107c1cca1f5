import { type ClassType, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';

import type { Context } from '../../context';
import type { SoftDeletableModel } from '../../entities/base';
import { User } from '../../entities/tenancy/user.entity';

/** Base resolver of every soft-deletable type: `deletedBy`, the user who deleted it (deleted users included). */
export function SoftDeletableResolver<T extends SoftDeletableModel>(type: ClassType<T>) {
  @Resolver(() => type)
  abstract class SoftDeletableResolverBase {
    @FieldResolver(() => User, { nullable: true })
    deletedBy(@Root() row: T, @Ctx() ctx: Context): Promise<User | null> | null {
      return row.deletedById === null ? null : ctx.loaders.byId(User, { withDeleted: true }).load(row.deletedById);
    }
  }
  return SoftDeletableResolverBase;
}
