import type { EntityManager } from 'typeorm';

/** Runs an UPDATE … RETURNING; TypeORM answers UPDATEs on PostgreSQL with `[rows, rowCount]`. */
export async function updateReturning<T>(manager: EntityManager, sql: string, parameters: unknown[]): Promise<T[]> {
  const [rows] = (await manager.query(sql, parameters)) as [T[], number];
  return rows;
}
