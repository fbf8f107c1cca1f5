import type { EntityManager } from 'typeorm';
import { toGlobalId } from '../../common/global-id';
import type { SoftDeletableModel } from '../../entities/base';
import type { CascadeReport } from '../../subscribers/soft-delete.subscriber';

/** Soft-deletes `row` and what it owns (through the global subscriber); returns the cascaded global IDs. */
export async function softDeleteWithCascade(em: EntityManager, row: SoftDeletableModel): Promise<string[]> {
  const report: CascadeReport = { cascaded: [] };
  await em.softRemove(row, { data: report });
  return report.cascaded.map((r) => toGlobalId(r.type, r.id));
}

/** Restores `row` and exactly the rows its delete cascaded to. */
export async function restoreWithCascade(em: EntityManager, row: SoftDeletableModel): Promise<string[]> {
  const report: CascadeReport = { cascaded: [] };
  await em.recover(row, { data: report });
  return report.cascaded.map((r) => toGlobalId(r.type, r.id));
}
