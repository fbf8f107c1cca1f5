import {
  type EntityManager,
  type EntityMetadata,
  type EntitySubscriberInterface,
  EventSubscriber,
  type QueryRunner,
  type RecoverEvent,
  type RemoveEvent,
  type SoftRemoveEvent,
} from 'typeorm';

import { requestOf } from '../common/request-store';
import { updateReturning } from '../db/update-returning';

/** Rows touched by a cascading soft delete or restore, reported to the caller through `queryRunner.data`. */
export interface CascadeReport {
  cascaded: Array<{ type: string; id: number }>;
}

export class HardDeleteRefusedError extends Error {
  constructor(table: string) {
    super(`Hard delete of soft-deletable rows in "${table}" is refused; soft-delete them instead`);
  }
}

const isSoftDeletable = (metadata: EntityMetadata): boolean => Boolean(metadata.deleteDateColumn);

/** The owned children of a type: one-to-many relations marked `cascade: ['soft-remove']` to soft-deletable rows. */
function ownedChildren(metadata: EntityMetadata) {
  return metadata.oneToManyRelations
    .filter((r) => r.isCascadeSoftRemove && isSoftDeletable(r.inverseEntityMetadata) && r.inverseRelation)
    .map((r) => ({
      metadata: r.inverseEntityMetadata,
      foreignKey: r.inverseRelation!.joinColumns[0].databaseName,
    }));
}

function report(queryRunner: QueryRunner | undefined, type: string, ids: number[]): void {
  const data = queryRunner?.data as Partial<CascadeReport> | undefined;
  if (data?.cascaded) for (const id of ids) data.cascaded.push({ type, id });
}

/**
 * Soft-deletes the live children of `parentIds`, then theirs, stamping the
 * parent's exact `deleted_at`: restore later brings back exactly the rows
 * that carry the same stamp, and nothing deleted before or after.
 */
async function cascadeDelete(
  manager: EntityManager,
  metadata: EntityMetadata,
  parentIds: number[],
  deletedAt: string,
  actorId: number | null,
): Promise<void> {
  for (const child of ownedChildren(metadata)) {
    const rows = await updateReturning<{ id: number }>(
      manager,
      `UPDATE "${child.metadata.tableName}" SET "deleted_at" = $1::timestamptz, "deleted_by_id" = $2
        WHERE "${child.foreignKey}" = ANY($3::int[]) AND "deleted_at" IS NULL RETURNING "id"`,
      [deletedAt, actorId, parentIds],
    );
    if (rows.length === 0) continue;
    const ids = rows.map((r) => r.id);
    report(manager.queryRunner, child.metadata.name, ids);
    await cascadeDelete(manager, child.metadata, ids, deletedAt, actorId);
  }
}

async function cascadeRestore(
  manager: EntityManager,
  metadata: EntityMetadata,
  parentIds: number[],
  deletedAt: string,
): Promise<void> {
  for (const child of ownedChildren(metadata)) {
    const rows = await updateReturning<{ id: number }>(
      manager,
      `UPDATE "${child.metadata.tableName}" SET "deleted_at" = NULL, "deleted_by_id" = NULL
        WHERE "${child.foreignKey}" = ANY($1::int[]) AND "deleted_at" = $2::timestamptz RETURNING "id"`,
      [parentIds, deletedAt],
    );
    if (rows.length === 0) continue;
    const ids = rows.map((r) => r.id);
    report(manager.queryRunner, child.metadata.name, ids);
    await cascadeRestore(manager, child.metadata, ids, deletedAt);
  }
}

/**
 * The global soft-delete rule: `softRemove` stamps `deleted_by` with the
 * acting user and cascades to owned children in the same transaction;
 * `recover` restores what that delete cascaded; hard deletes of
 * soft-deletable rows are refused.
 */
@EventSubscriber()
export class SoftDeleteSubscriber implements EntitySubscriberInterface {
  beforeRemove(event: RemoveEvent<unknown>): void {
    if (isSoftDeletable(event.metadata)) throw new HardDeleteRefusedError(event.metadata.tableName);
  }

  async afterSoftRemove(event: SoftRemoveEvent<{ id: number }>): Promise<void> {
    const id = event.entity?.id;
    if (!isSoftDeletable(event.metadata) || typeof id !== 'number') return;
    const actorId = requestOf(event.queryRunner)?.userId ?? null;
    const rows = await updateReturning<{ deleted_at: string }>(
      event.manager,
      `UPDATE "${event.metadata.tableName}" SET "deleted_by_id" = $1 WHERE "id" = $2 RETURNING "deleted_at"::text`,
      [actorId, id],
    );
    if (event.entity) Object.assign(event.entity, { deletedById: actorId });
    if (rows[0]?.deleted_at) await cascadeDelete(event.manager, event.metadata, [id], rows[0].deleted_at, actorId);
  }

  async beforeRecover(event: RecoverEvent<{ id: number }>): Promise<void> {
    const id = event.entity?.id;
    if (!isSoftDeletable(event.metadata) || typeof id !== 'number') return;
    const rows = await updateReturning<{ deleted_at: string | null }>(
      event.manager,
      `UPDATE "${event.metadata.tableName}" SET "deleted_by_id" = NULL WHERE "id" = $1
        RETURNING "deleted_at"::text`,
      [id],
    );
    if (event.entity) Object.assign(event.entity, { deletedById: null });
    if (rows[0]?.deleted_at) await cascadeRestore(event.manager, event.metadata, [id], rows[0].deleted_at);
  }
}
