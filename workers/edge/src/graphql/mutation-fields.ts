import { Kind } from 'graphql/language/kinds';
import type { DocumentNode, FragmentDefinitionNode, SelectionSetNode } from 'graphql/language/ast';
import { valueFromASTUntyped } from 'graphql/utilities/valueFromASTUntyped';
import { selectOperation } from './document.ts';

export interface RootField {
  /** Field name, not alias: what the invalidation map's mutationOp names. */
  name: string;
  /** Response key (alias, else name): what names the field in the answer, and in its purge id. */
  key: string;
  args: Record<string, unknown>;
}

/** Root fields of the selected mutation with their arguments evaluated against the request variables. */
export function rootMutationFields(
  doc: DocumentNode,
  operationName: string | undefined,
  variables: Record<string, unknown> | null,
): RootField[] {
  const op = selectOperation(doc, operationName);
  if (op.operation !== 'mutation') return [];
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const out: RootField[] = [];
  collect(op.selectionSet, fragments, variables ?? {}, out, new Set());
  return out;
}

function collect(
  set: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  out: RootField[],
  visited: Set<string>,
): void {
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      const args: Record<string, unknown> = {};
      for (const a of sel.arguments ?? []) args[a.name.value] = valueFromASTUntyped(a.value, variables);
      out.push({ name: sel.name.value, key: sel.alias?.value ?? sel.name.value, args });
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      collect(sel.selectionSet, fragments, variables, out, visited);
    } else {
      const frag = fragments.get(sel.name.value);
      // Fragment cycles are invalid GraphQL; the origin rejects them, here they must not loop.
      if (frag && !visited.has(frag.name.value)) {
        visited.add(frag.name.value);
        collect(frag.selectionSet, fragments, variables, out, visited);
      }
    }
  }
}
