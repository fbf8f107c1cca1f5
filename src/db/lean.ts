import { createHash } from 'node:crypto';

import type { PoolClient } from 'pg';
import type { EntityManager, EntityMetadata, EntityTarget, ObjectLiteral, ValueTransformer } from 'typeorm';

import { requestOf } from '../common/request-store';
import { countStatement } from './query-counter';

/**
 * Lean SQL for the hot paths: hand-written, prepared statements whose rows
 * PostgreSQL returns as JSON (`to_json(row)`, `json_agg(row)`), turned into
 * entity instances without TypeORM's query builder and hydration (which cost
 * more CPU per statement than PostgreSQL spent answering it; see
 * bench/RESULTS.md).
 * Timestamps become Dates and column transformers still apply. Columns are
 * read from the entity metadata once per entity, so a new column is picked
 * up by itself.
 */
interface LeanColumn {
  database: string;
  property: string;
  transformer?: ValueTransformer;
  /** A timestamp column: JSON carries it as an ISO string. */
  isDate: boolean;
}

const DATE_TYPES = new Set<unknown>(['timestamptz', 'timestamp', 'timestamp with time zone', Date]);

export interface LeanShape<T> {
  metadata: EntityMetadata;
  table: string;
  /** `deleted_at` when the entity is soft-deletable. */
  deletedAt: string | null;
  /** The entity of a row PostgreSQL turned into JSON (`to_json(row)`, `json_agg(row)`, `jsonOf`). */
  fromJson(json: Record<string, unknown>): T;
  /**
   * The SQL of the JSON object of the row `alias` for `fromJson`: its read
   * columns only, timestamps as epoch milliseconds (a Date from a number
   * costs a fraction of one parsed from an ISO string, which was as much
   * CPU as pg's JSON.parse of a page's rows).
   */
  jsonOf(alias: string): string;
}

const shapes = new WeakMap<EntityMetadata, LeanShape<ObjectLiteral>>();

export function leanShape<T extends ObjectLiteral>(manager: EntityManager, entity: EntityTarget<T>): LeanShape<T> {
  const metadata = manager.connection.getMetadata(entity);
  let shape = shapes.get(metadata);
  if (!shape) shape = shapes.set(metadata, makeShape(metadata)).get(metadata)!;
  return shape as LeanShape<T>;
}

function makeShape(metadata: EntityMetadata): LeanShape<ObjectLiteral> {
  // Columns TypeORM leaves out of reads (`select: false`: password, key, PIN and token hashes) stay out here
  // too: the statements select `*`, but their entities never carry those values.
  const columns: LeanColumn[] = metadata.columns
    .filter((c) => c.isSelect)
    .map((c) => ({
      database: c.databaseName,
      property: c.propertyName,
      transformer: Array.isArray(c.transformer) ? undefined : c.transformer,
      isDate: DATE_TYPES.has(c.type),
    }));
  if (metadata.columns.some((c) => Array.isArray(c.transformer) || c.embeddedMetadata)) {
    throw new Error(`${metadata.name}: lean reads do not handle embedded columns or transformer chains`);
  }
  // One function per entity, generated once from its columns: fixed property names keep V8's stores
  // monomorphic, where a loop over `entity[property] = …` made every store a dictionary lookup (see
  // bench/RESULTS.md, step 15). Names come from our entity metadata, quoted with JSON.stringify.
  const assignments = columns.map(({ database, property, transformer, isDate }, i) => {
    const read = `json[${JSON.stringify(database)}]`;
    const value = isDate
      ? `(typeof ${read} === 'string' || typeof ${read} === 'number' ? new Date(${read}) : ${read})`
      : read;
    return `entity[${JSON.stringify(property)}] = ${transformer ? `transformers[${i}].from(${value})` : value};`;
  });
  const fromJson = new Function(
    'Target',
    'transformers',
    `return function fromJson(json) { const entity = new Target(); ${assignments.join(' ')} return entity; };`,
  )(
    metadata.target,
    columns.map((c) => c.transformer),
  ) as (json: Record<string, unknown>) => ObjectLiteral;
  // json_build_object takes at most 100 arguments: a wider entity's rows stay whole (`to_json`).
  const jsonOf =
    columns.length > 50
      ? (alias: string) => `to_json(${alias})`
      : (alias: string) => {
          const pairs = columns.map(({ database, isDate }) => {
            const column = `${alias}."${database}"`;
            return `'${database}', ${isDate ? `floor(extract(epoch FROM ${column}) * 1000)` : column}`;
          });
          return `json_build_object(${pairs.join(', ')})`;
        };
  return {
    metadata,
    table: metadata.tableName,
    deletedAt: metadata.deleteDateColumn?.databaseName ?? null,
    fromJson,
    jsonOf,
  };
}

const statementNames = new Map<string, string>();

/** A stable name per statement text: pg prepares a named statement once per connection and reuses it. */
export function statementName(sql: string): string {
  let name = statementNames.get(sql);
  if (!name) {
    name = `lean_${createHash('sha1').update(sql).digest('base64url').slice(0, 20)}`;
    statementNames.set(sql, name);
  }
  return name;
}

/**
 * Runs a hot read as a named prepared statement on the manager's connection
 * (its transaction's; outside a request, TypeORM's query): PostgreSQL parses and plans it once
 * per connection instead of on every request (planning was most of the
 * server time of our small reads; see bench/RESULTS.md). Counted like every
 * other statement; the rows come back as pg parsed them.
 */
export async function leanQuery<R = Record<string, unknown>>(
  manager: EntityManager,
  sql: string,
  parameters: unknown[],
): Promise<R[]> {
  const { connection, queryRunner } = manager;
  // Outside a request (jobs, scripts) there is no transaction to prepare in: TypeORM runs the statement, counted
  // and logged like every other.
  if (!queryRunner) return (await manager.query(sql, parameters)) as R[];
  const client = (await queryRunner.connect()) as PoolClient;
  countStatement(requestOf(queryRunner));
  try {
    const result = await client.query({ name: statementName(sql), text: sql, values: parameters });
    return result.rows as R[];
  } catch (error) {
    connection.logger.logQueryError(error as Error, sql, parameters, queryRunner);
    throw error;
  }
}

/**
 * The entities of `entity` that `sql` selects (rows of its table: `SELECT t.* …`,
 * extra columns ignored), in id order. PostgreSQL builds them into one JSON
 * array: a single value for pg to read and one native JSON.parse, instead of
 * pg's per-column JavaScript parsers over every row (rows, column parsing and
 * dates were a large share of the CPU of a large read; see bench/RESULTS.md,
 * step 13).
 */
export async function leanEntities<T extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  sql: string,
  parameters: unknown[],
): Promise<T[]> {
  return (await leanEntitiesWith(manager, entity, sql, parameters, [])).entities;
}

/** A relation read along with a list's rows: `sql` selects rows of `entity` over those rows, named `page`. */
export interface LeanRelated {
  entity: EntityTarget<ObjectLiteral>;
  sql: string;
}

/**
 * `leanEntities`, and in the same statement the rows each of `related`
 * selects over those rows (e.g. the merchants of a page of stores), each as
 * one more JSON array. One round trip where loaders would take one more per
 * relation.
 */
export async function leanEntitiesWith<T extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  sql: string,
  parameters: unknown[],
  related: LeanRelated[],
): Promise<{ entities: T[]; related: ObjectLiteral[][] }> {
  const shape = leanShape(manager, entity);
  const asJson = (of: LeanShape<ObjectLiteral>, from: string) =>
    `SELECT coalesce(json_agg(${of.jsonOf('e')} ORDER BY e.id), '[]') FROM ${from} e`;
  const columns = related.map((r, i) => `, (${asJson(leanShape(manager, r.entity), `(${r.sql})`)}) AS r${i}`).join('');
  const [row] = await leanQuery<Record<string, Array<Record<string, unknown>>>>(
    manager,
    `WITH page AS (${sql}) SELECT (${asJson(shape, 'page')}) AS rows${columns}`,
    parameters,
  );
  return {
    entities: row.rows.map((json) => shape.fromJson(json)),
    related: related.map((r, i) => row[`r${i}`].map((json) => leanShape(manager, r.entity).fromJson(json))),
  };
}
