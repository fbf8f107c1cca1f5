import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  getNamedType,
  getNullableType,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  isCompositeType,
  isListType,
  isNonNullType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  valueFromASTUntyped,
  type ValueNode,
} from 'graphql';

import { forEachField } from '../common/selection';

/**
 * The cost formula (Shopify's model), the one definition both the price
 * asked before execution and the price of what was returned are computed
 * from:
 *
 * - a scalar or enum field costs 0; an object costs 1 (a mutation's root
 *   field 10); introspection (`__schema`, `__type`, `__typename`) is free;
 * - a connection (`first` argument, `…Connection` type) costs 2 plus `first`
 *   (its default when left out) times its selection; its edges and page info
 *   are wrappers, free;
 * - any other list of objects costs its bound times its element's cost: the
 *   bound stated in LIST_BOUNDS, else DEFAULT_LIST_BOUND; `nodes(ids:)` is
 *   bounded by the IDs given;
 * - aliases and fragments add up like the fields they stand for; a field
 *   under `@skip(if: true)` or `@include(if: false)` costs nothing.
 *
 * Returned data is priced by the same rules with each list's real length.
 */
export const COST = { object: 1, mutationRoot: 10, connection: 2 } as const;

/** Lists of objects that are not connections: how many elements they can have at most (catalogue sizes). */
export const DEFAULT_LIST_BOUND = 10;
export const LIST_BOUNDS: Readonly<Record<string, number>> = {
  'Query.platforms': 10,
  'Query.subscriptionTiers': 20,
  'Query.features': 50,
  'Query.addOnProducts': 20,
  'Platform.tiers': 10,
  'SubscriptionTier.features': 50,
  'Store.platforms': 4,
};

type Multiplier =
  | { kind: 'one' }
  | { kind: 'bound'; bound: number }
  | { kind: 'argument'; argument: string; fallback: number; countList?: boolean };

/** One response key of a selection set, with what its elements cost and its own selection's plan. */
interface Entry {
  key: string;
  /** Cost of each returned object (0 for a wrapper). */
  weight: number;
  /** A connection's own cost, paid once however many elements it has. */
  base: number;
  multiplier: Multiplier;
  child: Plan | null;
  /** A list whose elements cannot be null: its objects can be counted by its length. */
  nonNullItems: boolean;
  /** `@skip`/`@include` conditions: each variable name or literal that decides whether the field runs. */
  conditions: Array<{ include: boolean; value: ValueNode }>;
  field: FieldNode;
}

interface Plan {
  entries: Entry[];
  /** The entries that cost anything (objects, lists, connections): the only ones returned data is read for. */
  priced: Entry[];
}

/**
 * A document's cost plan: its operation's selections flattened per response
 * key, fragments spread once per selection set, the plan of a selection set
 * built once however often it is reached. Linear in the document; kept per
 * parsed document and operation.
 */
export class CostPlan {
  private readonly fragments = new Map<string, FragmentDefinitionNode>();
  private readonly plans = new Map<string, Plan>();
  readonly root: Plan;

  constructor(
    private readonly schema: GraphQLSchema,
    document: DocumentNode,
    readonly operation: OperationDefinitionNode,
  ) {
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) this.fragments.set(definition.name.value, definition);
    }
    const rootType = operation.operation === 'mutation' ? schema.getMutationType() : schema.getQueryType();
    this.root = rootType
      ? this.plan([operation.selectionSet], rootType, operation.operation === 'mutation')
      : { entries: [], priced: [] };
  }

  /** The price asked before execution, with the request's variables. */
  requested(variables: Readonly<Record<string, unknown>> = {}): number {
    const memo = new Map<Plan, number>();
    const cost = (plan: Plan): number => {
      let total = memo.get(plan);
      if (total !== undefined) return total;
      total = 0;
      for (const entry of plan.entries) {
        if (!runs(entry, variables)) continue;
        const each = entry.weight + (entry.child ? cost(entry.child) : 0);
        total += entry.base + count(entry.multiplier, entry.field, variables) * each;
      }
      memo.set(plan, total);
      return total;
    };
    return cost(this.root);
  }

  /** The price of what was returned: the same rules, each list at its real length. */
  actual(data: unknown): number {
    const ofValue = (entry: Entry, value: unknown): number => {
      if (value === null || value === undefined || typeof value !== 'object') return 0;
      if (Array.isArray(value)) {
        // Elements whose own selection costs nothing more: counted, not walked (most of a page's objects).
        if (entry.nonNullItems && (entry.child === null || entry.child.priced.length === 0))
          return value.length * entry.weight;
        let total = 0;
        for (const item of value) total += ofValue(entry, item);
        return total;
      }
      return entry.weight + (entry.child ? ofObject(entry.child, value as Record<string, unknown>) : 0);
    };
    const ofObject = (plan: Plan, object: Record<string, unknown>): number => {
      let total = 0;
      for (const entry of plan.priced) {
        const value = object[entry.key];
        if (value === undefined || value === null) continue;
        total += entry.base + ofValue(entry, value);
      }
      return total;
    };
    return data && typeof data === 'object' ? ofObject(this.root, data as Record<string, unknown>) : 0;
  }

  /** The plan of the merged selection sets of one response key, on `type`. */
  private plan(selectionSets: readonly SelectionSetNode[], type: GraphQLCompositeType, mutationRoot = false): Plan {
    const cacheKey = selectionSets.length === 1 ? selectionSets[0] : null;
    const memoKey = cacheKey ? `${type.name}:${selectionSetId(cacheKey)}` : null;
    const cached = memoKey ? this.plans.get(memoKey) : undefined;
    if (cached) return cached;

    const byKey = new Map<string, { field: FieldNode; sets: SelectionSetNode[]; owner: GraphQLCompositeType }>();
    const visited = new Set<string>();
    const fragment = (name: string) => this.fragments.get(name);
    for (const set of selectionSets) {
      forEachField(
        set,
        fragment,
        (field, condition) => {
          if (field.name.value.startsWith('__')) return; // introspection is free
          const owner = (condition && this.typeCondition(condition)) || type;
          const key = field.alias?.value ?? field.name.value;
          let slot = byKey.get(key);
          if (!slot) byKey.set(key, (slot = { field, sets: [], owner }));
          if (field.selectionSet) slot.sets.push(field.selectionSet);
        },
        visited,
      );
    }

    const plan: Plan = { entries: [], priced: [] };
    if (memoKey) this.plans.set(memoKey, plan);
    for (const [key, { field, sets, owner }] of byKey) {
      const definition = fieldOf(owner, field.name.value);
      if (!definition) continue; // validation refuses unknown fields before this runs
      const entry = this.entry(key, field, sets, owner, definition, mutationRoot);
      plan.entries.push(entry);
      if (entry.child || entry.weight > 0 || entry.base > 0) plan.priced.push(entry);
    }
    return plan;
  }

  private entry(
    key: string,
    field: FieldNode,
    sets: SelectionSetNode[],
    owner: GraphQLCompositeType,
    definition: GraphQLField<unknown, unknown>,
    mutationRoot: boolean,
  ): Entry {
    const conditions = (field.directives ?? []).flatMap((directive) => {
      const name = directive.name.value;
      const value = directive.arguments?.find((a) => a.name.value === 'if')?.value;
      return (name === 'include' || name === 'skip') && value ? [{ include: name === 'include', value }] : [];
    });
    const named = getNamedType(definition.type);
    if (!isCompositeType(named)) {
      return {
        key,
        weight: 0,
        base: 0,
        multiplier: { kind: 'one' },
        child: null,
        nonNullItems: false,
        conditions,
        field,
      };
    }
    const child = sets.length ? this.plan(sets, named) : null;
    const listType = getNullableType(definition.type);
    const isList = isListType(listType);
    const nonNullItems = isList && isNonNullType(listType.ofType);
    const firstArgument = definition.args.find((a) => a.name === 'first');
    if (firstArgument && named.name.endsWith('Connection')) {
      const fallback = typeof firstArgument.defaultValue === 'number' ? firstArgument.defaultValue : DEFAULT_LIST_BOUND;
      return {
        key,
        weight: 0,
        base: COST.connection,
        multiplier: { kind: 'argument', argument: 'first', fallback },
        child,
        nonNullItems: false,
        conditions,
        field,
      };
    }
    const wrapper = named.name.endsWith('Edge') || named.name === 'PageInfo';
    const weight = wrapper ? 0 : mutationRoot ? COST.mutationRoot : COST.object;
    let multiplier: Multiplier = { kind: 'one' };
    if (isList) {
      // A connection's edges: the connection already counts them by `first`.
      if (owner.name.endsWith('Connection') && field.name.value === 'edges') multiplier = { kind: 'one' };
      else if (definition.args.some((a) => a.name === 'ids'))
        multiplier = { kind: 'argument', argument: 'ids', fallback: DEFAULT_LIST_BOUND, countList: true };
      else multiplier = { kind: 'bound', bound: LIST_BOUNDS[`${owner.name}.${definition.name}`] ?? DEFAULT_LIST_BOUND };
    }
    return { key, weight, base: 0, multiplier, child, nonNullItems, conditions, field };
  }

  private typeCondition(name: string | undefined): GraphQLCompositeType | null {
    if (!name) return null;
    const type = this.schema.getType(name);
    return type && isCompositeType(type) ? type : null;
  }
}

const selectionSetIds = new WeakMap<SelectionSetNode, number>();
let nextSelectionSetId = 0;
function selectionSetId(set: SelectionSetNode): number {
  let id = selectionSetIds.get(set);
  if (id === undefined) selectionSetIds.set(set, (id = nextSelectionSetId++));
  return id;
}

/** A field of an object or interface type (a union has none of its own but `__typename`). */
function fieldOf(type: GraphQLCompositeType, name: string): GraphQLField<unknown, unknown> | undefined {
  return 'getFields' in type ? type.getFields()[name] : undefined;
}

function argumentValue(field: FieldNode, name: string, variables: Readonly<Record<string, unknown>>): unknown {
  const node = field.arguments?.find((a) => a.name.value === name)?.value;
  return node === undefined ? undefined : valueFromASTUntyped(node, variables);
}

function count(multiplier: Multiplier, field: FieldNode, variables: Readonly<Record<string, unknown>>): number {
  if (multiplier.kind === 'one') return 1;
  if (multiplier.kind === 'bound') return multiplier.bound;
  const value = argumentValue(field, multiplier.argument, variables);
  if (multiplier.countList) return Array.isArray(value) ? value.length : 1;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : multiplier.fallback;
}

function runs(entry: Entry, variables: Readonly<Record<string, unknown>>): boolean {
  for (const { include, value } of entry.conditions) {
    if (Boolean(valueFromASTUntyped(value, variables)) !== include) return false;
  }
  return true;
}
