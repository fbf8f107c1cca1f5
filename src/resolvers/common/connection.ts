import { IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ArgsType, type ClassType, Field, Int, ObjectType } from 'type-graphql';

import { DEFAULT_PAGE_SIZE, encodeCursor, MAX_PAGE_SIZE, type Page } from '../../common/pagination';

@ObjectType({ simpleResolvers: true })
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

@ArgsType()
export class ConnectionArgs {
  @Field(() => Int, { defaultValue: DEFAULT_PAGE_SIZE, description: `At most ${MAX_PAGE_SIZE}` })
  @Min(0)
  @Max(MAX_PAGE_SIZE)
  first: number = DEFAULT_PAGE_SIZE;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  after?: string | null;
}

export interface Connection<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: PageInfo;
  totalCount(): Promise<number>;
}

/** A Relay connection type for `node`; `totalCount` is counted only when asked for. */
export function ConnectionType<T extends { id: number }>(
  node: ClassType<T>,
  name = node.name,
): ClassType<Connection<T>> {
  @ObjectType(`${name}Edge`, { simpleResolvers: true })
  class Edge {
    @Field(() => String)
    cursor!: string;

    @Field(() => node)
    node!: T;
  }

  @ObjectType(`${name}Connection`, { simpleResolvers: true })
  class ConnectionClass implements Connection<T> {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    count!: () => Promise<number>;

    @Field(() => Int)
    totalCount(): Promise<number> {
      return this.count();
    }
  }
  return ConnectionClass;
}

/** Wraps a page and a lazy count into an instance of a connection type. */
export function toConnection<T extends { id: number }>(
  type: ClassType<Connection<T>>,
  page: Page<T>,
  count: () => Promise<number>,
): Connection<T> {
  const edges = page.rows.map((node) => ({ cursor: encodeCursor(node.id), node }));
  return Object.assign(new type(), {
    edges,
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.length ? edges[edges.length - 1].cursor : null },
    count,
  });
}
