import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';

import { InvalidInputError } from '../common/errors';
import { MAX_PAGE_SIZE } from '../common/pagination';
import type { Context } from '../context';
import { Node } from '../entities/base';
import { nodeService } from '../services/node.service';

@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: 'Any object the caller may see, by global ID' })
  node(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Node | null> {
    return nodeService.resolve(ctx, id) as Promise<Node | null>;
  }

  @Query(() => [Node], { nullable: 'items', description: `At most ${MAX_PAGE_SIZE} IDs; null for each not visible` })
  nodes(@Arg('ids', () => [ID]) ids: string[], @Ctx() ctx: Context): Promise<Array<Node | null>> {
    if (ids.length > MAX_PAGE_SIZE) throw new InvalidInputError(`At most ${MAX_PAGE_SIZE} IDs`, 'ids');
    return Promise.all(ids.map((id) => nodeService.resolve(ctx, id) as Promise<Node | null>));
  }
}
