import type { GraphQLResolveInfo } from 'graphql';
import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

import { selects } from '../common/selection';
import { type LeanRelated, type LeanShape, leanShape } from '../db/lean';
import type { Loaders } from './loaders';
import { groupedBy, rowsIn } from './rows-sql';

type Row = ObjectLiteral & { id: number };

/** What a list is asked for below it: a resolver's info, or the part of it the walk reads. */
export type Selection = Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>;

/**
 * A relation of a parent entity, declared once: field resolvers load it
 * through its loader (`load`), and a page of parents whose fields are
 * declared to read it (`@ReadsAhead`) reads its rows in the page's own
 * statement and primes that same loader with them.
 */
export interface Relation<P extends Row, L> {
  readonly parent: EntityTarget<P>;
  /** The statement part that reads the relation's rows for the rows of a page (named `page`). */
  related(manager: EntityManager, parent: LeanShape<P>): LeanRelated;
  /** Fills the relation's loader from the page's rows and the related rows read. */
  prime(loaders: Loaders, parents: P[], rows: ObjectLiteral[]): void;
  /** The relation of one parent, through its loader (batched with every other parent of the request). */
  load(loaders: Loaders, parent: P): Promise<L>;
}

/** The row `parent[key]` points to (live rows; deleted ones when the parent is itself deleted: admin views). */
export function belongsTo<P extends Row & { deletedAt?: Date | null }, T extends Row>(
  parent: EntityTarget<P>,
  entity: EntityTarget<T>,
  key: keyof P & string,
): Relation<P, T | null> {
  return {
    parent,
    related: (manager, parentShape) => {
      const keyColumn = parentShape.metadata.findColumnWithPropertyName(key)!.databaseName;
      return { entity, sql: rowsIn(leanShape(manager, entity), 'id', `ARRAY(SELECT p."${keyColumn}" FROM page p)`) };
    },
    prime: (loaders, parents, rows) => {
      const found = new Map((rows as T[]).map((row) => [row.id, row]));
      const loader = loaders.byId(entity);
      for (const p of parents) {
        const id = p[key] as number | null;
        if (id !== null) loader.prime(id, found.get(id) ?? null);
      }
    },
    load: (loaders, p) => {
      const id = p[key] as number | null;
      if (id === null) return Promise.resolve(null);
      return loaders.byId(entity, { withDeleted: !!p.deletedAt }).load(id);
    },
  };
}

/** The live rows whose `foreignKey` is the parent's id, in id order. */
export function hasMany<P extends Row, T extends Row>(
  parent: EntityTarget<P>,
  entity: EntityTarget<T>,
  foreignKey: keyof T & string,
): Relation<P, T[]> {
  return {
    parent,
    related: (manager) => {
      const shape = leanShape(manager, entity);
      const fkColumn = shape.metadata.findColumnWithPropertyName(foreignKey)!.databaseName;
      return { entity, sql: rowsIn(shape, fkColumn, 'ARRAY(SELECT p.id FROM page p)') };
    },
    prime: (loaders, parents, rows) => {
      const loader = loaders.childrenOf(entity, foreignKey);
      const groups = groupedBy(
        parents.map((p) => p.id),
        rows as T[],
        foreignKey,
      );
      for (const [id, children] of groups) loader.prime(id, children);
    },
    load: (loaders, p) => loaders.childrenOf(entity, foreignKey).load(p.id),
  };
}

type AnyRelation = Relation<any, unknown>;

/** The fields declared to read each relation, by parent entity: field name → relations. */
const declared = new Map<EntityTarget<any>, Map<string, AnyRelation[]>>();

/**
 * On a field resolver: the field reads these relations of its parent, so a
 * page of parents that asks for the field reads them ahead (`readAheadFor`).
 * The field's name is the method's.
 */
export function ReadsAhead(...relations: AnyRelation[]): MethodDecorator {
  return (_target, propertyKey) => {
    for (const relation of relations) {
      let fields = declared.get(relation.parent);
      if (!fields) declared.set(relation.parent, (fields = new Map()));
      fields.set(String(propertyKey), [...(fields.get(String(propertyKey)) ?? []), relation]);
    }
  };
}

/**
 * The relations a page of `parent` rows should read in its own statement:
 * those declared by the fields the operation asks of the rows at `path`
 * below the list's field (`['edges', 'node']` for a connection).
 */
export function readAheadFor<P extends Row>(
  parent: EntityTarget<P>,
  selection: Selection,
  path: readonly string[],
): Relation<P, unknown>[] {
  const found = new Set<AnyRelation>();
  for (const [field, relations] of declared.get(parent) ?? []) {
    if (relations.some((r) => !found.has(r)) && selects(selection, [...path, field])) {
      for (const relation of relations) found.add(relation);
    }
  }
  return [...found];
}
