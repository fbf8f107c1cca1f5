import type { EntityManager } from 'typeorm';

import type { SoftDeletableModel } from '../../entities/base';
import type { CascadeReport } from '../../subscribers/soft-delete.subscriber';

/**
 * Soft delete and restore of a row with what it owns. The cascade itself is
 * the global subscriber's (src/subscribers/soft-delete.subscriber.ts): it
 * reports the rows it touched through the statement's `data`.
 */

/** Soft-deletes `row` and its owned children; returns the children the cascade stamped. */
export async function softDeleteCascading(
  em: EntityManager,
  row: SoftDeletableModel,
): Promise<CascadeReport['cascaded']> {
  const report: CascadeReport = { cascaded: [] };
  await em.softRemove(row, { data: report });
  return report.cascaded;
}

/** Restores `row` and exactly the children its delete stamped; returns them. */
export async function restoreCascading(em: EntityManager, row: SoftDeletableModel): Promise<CascadeReport['cascaded']> {
  const report: CascadeReport = { cascaded: [] };
  await em.recover(row, { data: report });
  return report.cascaded;
}
