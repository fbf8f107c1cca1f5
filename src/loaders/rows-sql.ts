import type { ObjectLiteral } from 'typeorm';

import type { LeanShape } from '../db/lean';

/** The statements' shared parts: live rows, rows by a key in a set, children grouped by parent. */

/** `AND "alias".deleted_at IS NULL` for a soft-deletable entity's live rows; '' otherwise. */
export function liveOnly(shape: LeanShape<ObjectLiteral>, alias: string): string {
  return shape.deletedAt ? ` AND "${alias}"."${shape.deletedAt}" IS NULL` : '';
}

/**
 * The rows whose `column` is in the array `ids` (a parameter, or an
 * `ARRAY(SELECT …)` over a page: PostgreSQL sizes that and uses the index,
 * where `IN (SELECT … FROM page)` scanned store_platforms whole; see
 * bench/RESULTS.md). Live rows only unless `withDeleted`.
 */
export function rowsIn(shape: LeanShape<ObjectLiteral>, column: string, ids: string, withDeleted = false): string {
  return `SELECT * FROM "${shape.table}" t WHERE t."${column}" = ANY(${ids})${withDeleted ? '' : liveOnly(shape, 't')}`;
}

/** Children by parent id, every parent present (with [] when it has none). */
export function groupedBy<T extends ObjectLiteral>(
  parentIds: readonly number[],
  children: T[],
  foreignKey: keyof T,
): Map<number, T[]> {
  const groups = new Map<number, T[]>(parentIds.map((id) => [id, []]));
  for (const child of children) groups.get(child[foreignKey] as number)?.push(child);
  return groups;
}
