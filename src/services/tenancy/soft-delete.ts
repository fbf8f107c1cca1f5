import type { EntityManager } from 'typeorm';

import { toGlobalId } from '../../common/global-id';
import type { SoftDeletableModel } from '../../entities/base';
import { restoreCascading, softDeleteCascading } from '../../repositories/tenancy/soft-delete.repository';

/** Soft-deletes `row` and what it owns (through the global subscriber); returns the cascaded global IDs. */
export async function softDeleteWithCascade(em: EntityManager, row: SoftDeletableModel): Promise<string[]> {
  return (await softDeleteCascading(em, row)).map((r) => toGlobalId(r.type, r.id));
}

/** Restores `row` and exactly the rows its delete cascaded to. */
export async function restoreWithCascade(em: EntityManager, row: SoftDeletableModel): Promise<string[]> {
  return (await restoreCascading(em, row)).map((r) => toGlobalId(r.type, r.id));
}
