import {
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLResolveInfo,
  Kind,
  type SelectionSetNode,
} from 'graphql';

/**
 * The one walk of a selection set: `visit` gets each field it selects
 * directly, through inline fragments and fragment spreads, with the type
 * condition in force (the innermost fragment's that names one; null outside
 * any). Each named fragment is followed once per `visited` set, however often
 * it is spread: what it selects is found the first time (following every
 * spread anew made `...F1 ...F1` chains cost 2^n). `measure`
 * (src/graphql-rules.ts) asks another question, what the expanded operation
 * costs, and counts every spread.
 */
export function forEachField(
  set: SelectionSetNode,
  fragment: (name: string) => FragmentDefinitionNode | undefined,
  visit: (field: FieldNode, typeCondition: string | null) => void,
  visited: Set<string> = new Set(),
  typeCondition: string | null = null,
): void {
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      visit(selection, typeCondition);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const condition = selection.typeCondition?.name.value ?? typeCondition;
      forEachField(selection.selectionSet, fragment, visit, visited, condition);
    } else if (!visited.has(selection.name.value)) {
      visited.add(selection.name.value);
      const definition = fragment(selection.name.value);
      if (definition)
        forEachField(definition.selectionSet, fragment, visit, visited, definition.typeCondition.name.value);
    }
  }
}

/** The fields named `name` that these selection sets select (see forEachField). */
function fieldsNamed(
  sets: readonly SelectionSetNode[],
  name: string,
  fragments: GraphQLResolveInfo['fragments'],
): FieldNode[] {
  const found: FieldNode[] = [];
  const visited = new Set<string>();
  const fragment = (fragmentName: string): FragmentDefinitionNode | undefined => fragments[fragmentName];
  for (const set of sets) {
    forEachField(set, fragment, (field) => field.name.value === name && found.push(field), visited);
  }
  return found;
}

/**
 * Whether the operation asks, below the field being resolved, for the field
 * at `path` (field names, aliases aside; fragments followed). `@skip` and
 * `@include` are not evaluated: a skipped field counts as asked for, so a
 * resolver that reads ahead on this reads too much at worst, never too little.
 */
export function selects(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>, path: readonly string[]): boolean {
  let fields: readonly FieldNode[] = info.fieldNodes;
  for (const name of path) {
    const sets = fields.flatMap((field) => (field.selectionSet ? [field.selectionSet] : []));
    fields = fieldsNamed(sets, name, info.fragments);
    if (fields.length === 0) return false;
  }
  return true;
}
