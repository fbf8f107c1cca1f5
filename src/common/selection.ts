import { type FieldNode, type GraphQLResolveInfo, Kind, type SelectionSetNode } from 'graphql';

/** The fields named `name` that these selection sets select, through inline fragments and fragment spreads. */
function fieldsNamed(
  sets: readonly SelectionSetNode[],
  name: string,
  fragments: GraphQLResolveInfo['fragments'],
): FieldNode[] {
  const found: FieldNode[] = [];
  // Each fragment once, however often it is spread: what it selects is found the first time (following every
  // spread anew made `...F1 ...F1` chains cost 2^n).
  const visited = new Set<string>();
  const visit = (set: SelectionSetNode): void => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value === name) found.push(selection);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet);
      } else {
        const fragment = fragments[selection.name.value];
        if (fragment && !visited.has(fragment.name.value)) {
          visited.add(fragment.name.value);
          visit(fragment.selectionSet);
        }
      }
    }
  };
  for (const set of sets) visit(set);
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
