import type { SelectQueryBuilder, ObjectLiteral } from 'typeorm';
import { AccessDeniedError, InvalidInputError } from '../../common/errors';
import { decodeCursor, toPage, type Page } from '../../common/pagination';
import type { Viewer } from './viewer';

export interface ListArgs {
  first: number;
  after?: string | null;
  includeDeleted?: boolean | null;
  onlyDeleted?: boolean | null;
}

export interface Listing<T> {
  page: Page<T>;
  count: () => Promise<number>;
}

/**
 * A keyset page of a top-level list plus its lazy total. Deleted rows are
 * shown only to ADMIN, and only when asked for.
 */
export async function listPage<T extends ObjectLiteral & { id: number }>(
  viewer: Viewer | null,
  qb: SelectQueryBuilder<T>,
  args: ListArgs,
): Promise<Listing<T>> {
  const alias = qb.alias;
  if (args.includeDeleted || args.onlyDeleted) {
    if (!viewer?.isAdmin) throw new AccessDeniedError('Only ADMIN may list deleted rows');
    qb.withDeleted();
    if (args.onlyDeleted) qb.andWhere(`${alias}.deleted_at IS NOT NULL`);
  }
  const countQuery = qb.clone();
  const afterId = afterIdOf(args.after);
  const rows = await qb
    .andWhere(`${alias}.id > :afterId`, { afterId })
    .orderBy(`${alias}.id`, 'ASC')
    .limit(args.first + 1)
    .getMany();
  return { page: toPage(rows, args.first), count: () => countQuery.getCount() };
}

/** The key after which a page starts; a cursor that is not ours is bad input. */
export function afterIdOf(after: string | null | undefined): number {
  if (!after) return 0;
  const id = decodeCursor(after);
  if (id === null) throw new InvalidInputError('Not a cursor of this list', 'after');
  return id;
}
