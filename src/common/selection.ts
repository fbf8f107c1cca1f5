import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/** The fields named `name` that these selection sets select, through inline fragments and fragment spreads. */
function fieldsNamed(
  sets: readonly SelectionSetNode[],
  name: string,
  fragments: GraphQLResolveInfo['fragments'],
): FieldNode[] {
  const found: FieldNode[] = [];
  const visit = (set: SelectionSetNode): void => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value === name) found.push(selection);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet);
      } else {
        // A validated operation (resolvers see no other) has no fragment cycles.
        const fragment = fragments[selection.name.value];
        if (fragment) visit(fragment.selectionSet);
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
