import {
  GraphQLError,
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  isObjectType,
  isInterfaceType,
  Kind,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { ErrorCode } from '@conductor/sdk';

/*
 * Validation rules that refuse expensive documents before any resolver runs. Depth counts
 * nested field selections (fragments expanded); cost charges each field 1, multiplies what a
 * list field selects by LIST_SIZE_ESTIMATE (it may return that many items), and charges fields
 * that run a computation (what-if) their own weight. Introspection counts for depth (its types
 * are recursive, so it could be a depth bomb too) but costs nothing, so GraphiQL's schema
 * query passes.
 */

/** Lexical tokens a document may have: the parser stops a huge document before building its AST. */
export const MAX_TOKENS = 5_000;
export const MAX_DEPTH = 15;
export const MAX_COST = 5_000;
export const LIST_SIZE_ESTIMATE = 10;
/** Fields that cost more than a lookup, by "Type.field". */
export const FIELD_COSTS: Record<string, number> = { 'Query.whatIf': 100, 'Mutation.purgeCache': 20 };

interface Measure {
  depth: number;
  cost: number;
}

function measure(
  context: ValidationContext,
  schema: GraphQLSchema,
  parent: GraphQLCompositeType,
  selectionSet: SelectionSetNode,
  depth: number,
  fragmentsOnPath: Set<string>,
): Measure {
  let out: Measure = { depth, cost: 0 };
  // Beyond the limit the answer is already "too deep": stop walking (a bomb must not cost us time).
  if (depth > MAX_DEPTH) return out;
  const add = (m: Measure) => {
    out = { depth: Math.max(out.depth, m.depth), cost: out.cost + m.cost };
  };
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const name = selection.name.value;
      // Fields of the introspection types (__Schema, __Type, …) are introspection too.
      const introspection = name.startsWith('__') || parent.name.startsWith('__');
      const fieldDef = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
      const ownType = name === '__schema' ? schema.getType('__Schema') : name === '__type' ? schema.getType('__Type') : fieldDef?.type;
      const own = introspection ? 0 : (FIELD_COSTS[`${parent.name}.${name}`] ?? 1);
      if (!selection.selectionSet || !ownType) {
        add({ depth: depth + 1, cost: own });
        continue;
      }
      const named = getNamedType(ownType);
      if (!isCompositeType(named)) {
        add({ depth: depth + 1, cost: own });
        continue;
      }
      const child = measure(context, schema, named, selection.selectionSet, depth + 1, fragmentsOnPath);
      const factor = !introspection && isListType(getNullableType(ownType)) ? LIST_SIZE_ESTIMATE : 1;
      add({ depth: child.depth, cost: own + factor * child.cost });
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const typed = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
      if (typed && isCompositeType(typed)) add(measure(context, schema, typed, selection.selectionSet, depth, fragmentsOnPath));
    } else {
      const name = selection.name.value;
      // A fragment cycle is NoFragmentCyclesRule's to report; here it just ends the walk.
      if (fragmentsOnPath.has(name)) continue;
      const fragment = context.getFragment(name);
      const typed = fragment && schema.getType(fragment.typeCondition.name.value);
      if (fragment && typed && isCompositeType(typed)) {
        add(measure(context, schema, typed, fragment.selectionSet, depth, new Set([...fragmentsOnPath, name])));
      }
    }
  }
  return out;
}

/** One rule for both limits: each operation is measured once. */
export const QueryLimitsRule: ValidationRule = (context) => ({
  OperationDefinition(node) {
    const schema = context.getSchema();
    const root = node.operation === 'query' ? schema.getQueryType() : node.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
    if (!root) return;
    const { depth, cost } = measure(context, schema, root, node.selectionSet, 0, new Set());
    const name = node.name ? `operation ${node.name.value}` : 'the operation';
    if (depth > MAX_DEPTH) {
      context.reportError(
        new GraphQLError(`${name} nests fields deeper than the limit of ${MAX_DEPTH}`, { nodes: [node], extensions: { code: ErrorCode.QUERY_TOO_DEEP, limit: MAX_DEPTH } }),
      );
    } else if (cost > MAX_COST) {
      context.reportError(
        new GraphQLError(`${name} costs ${cost}, over the limit of ${MAX_COST} (each field 1, list fields ×${LIST_SIZE_ESTIMATE})`, {
          nodes: [node],
          extensions: { code: ErrorCode.QUERY_TOO_COSTLY, limit: MAX_COST, cost },
        }),
      );
    }
  },
});
