import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

import { afterIdOf, type Listing, toPage } from '../common/pagination';
import { leanEntitiesWith, leanQuery, leanShape } from '../db/lean';
import type { Loaders } from '../loaders/loaders';
import { readAheadFor, type Selection } from '../loaders/read-ahead';

/** Which rows of a soft-deletable table a list shows (who may ask for deleted ones is the service's rule). */
export type DeletedRows = 'live' | 'include' | 'only';

export interface ListArgs {
  first: number;
  after?: string | null;
  deleted?: DeletedRows;
}

/** One SQL condition on the listed table (alias `t`), each `$?` taking the next of its values. */
export type Condition = [sql: string, ...values: unknown[]];

/**
 * A keyset page of a top-level list plus its lazy total, as lean prepared
 * statements (src/db/lean.ts): live rows unless `args.deleted` says otherwise. `readAhead`: the operation's selection below the
 * list; the relations its rows' fields are declared to read (`@ReadsAhead`)
 * are read by the page's statement and primed into their loaders.
 */
export async function listPage<T extends ObjectLiteral & { id: number }>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  conditions: Condition[],
  args: ListArgs,
  readAhead?: { loaders: Loaders; selection: Selection },
): Promise<Listing<T>> {
  const shape = leanShape(manager, entity);
  const relations = readAhead ? readAheadFor(entity, readAhead.selection, ['edges', 'node']) : [];
  const all = [...conditions];
  const deleted = args.deleted ?? 'live';
  if (shape.deletedAt && deleted !== 'include') {
    all.push([`t."${shape.deletedAt}" IS ${deleted === 'only' ? 'NOT NULL' : 'NULL'}`]);
  }
  const params: unknown[] = [];
  const where = all.map(([sql, ...values]) => {
    const numbered = sql.replace(/\$\?/g, () => {
      params.push(values.shift());
      return `$${params.length}`;
    });
    return `(${numbered})`;
  });
  const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const afterId = afterIdOf(args.after);
  const { entities: rows, related } = await leanEntitiesWith(
    manager,
    entity,
    `SELECT * FROM "${shape.table}" t
      ${filter ? `${filter} AND` : 'WHERE'} t.id > $${params.length + 1}
      ORDER BY t.id LIMIT $${params.length + 2}`,
    [...params, afterId, args.first + 1],
    relations.map((r) => r.related(manager, shape)),
  );
  relations.forEach((r, i) => r.prime(readAhead!.loaders, rows, related[i]));
  const count = async () => {
    const [row] = await leanQuery<{ n: number }>(
      manager,
      `SELECT count(*)::int AS n FROM "${shape.table}" t ${filter}`,
      params,
    );
    return row.n;
  };
  return { page: toPage(rows, args.first), count };
}
