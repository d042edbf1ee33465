import { canonicalJson } from '@conductor/sdk';
import type { EdgeInvalidation, VarsSelector } from '@conductor/schema/contracts/edge-config';

/**
 * Generation tags, derived in one place for both directions: a cached read carries tags, a purge
 * or mutation bumps tags, and a read is invalidated when any of its tags was bumped. Selector tags
 * must therefore be spelled identically on both sides; tags.test.ts checks that with shared vectors.
 */
export const ALL_TAG = '*';

export const opTag = (opId: string): string => `op:${opId}`;
export const varsTag = (opId: string, varsHash: string): string => `op:${opId}#${varsHash}`;

/**
 * Scalars are compared as strings because GraphQL's ID (and custom scalars) accept `5` and `"5"`
 * alike: the mutation's argument and the read's variable may be spelled differently for the same
 * entity, and matching them too often only over-invalidates, never under.
 */
export function selectorValue(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean') return canonicalJson(String(value));
  return canonicalJson(value);
}

/** `op:{id}|k1=v1&k2=v2` with keys in sorted order. */
export function selectorTag(opId: string, pairs: ReadonlyArray<readonly [string, unknown]>): string {
  return `op:${opId}|${pairs.map(([k, v]) => `${k}=${selectorValue(v)}`).join('&')}`;
}

/** Sorted variable names of a selector, or null when it selects every variant (null or `{}`). */
export function selectorKeys(selector: VarsSelector): string[] | null {
  if (!selector) return null;
  const keys = Object.keys(selector).sort();
  return keys.length ? keys : null;
}

/** Tags of a read of `opId` with `variables`; `selectorKeySets` come from the invalidation rows naming this op. */
export function readTags(
  opId: string,
  varsHash: string,
  variables: Readonly<Record<string, unknown>> | null | undefined,
  selectorKeySets: ReadonlyArray<readonly string[]>,
): string[] {
  const tags = [ALL_TAG, opTag(opId), varsTag(opId, varsHash)];
  for (const keys of selectorKeySets) {
    tags.push(selectorTag(opId, keys.map((k) => [k, variables?.[k]] as const)));
  }
  return tags;
}

/** Resolves `$.a.b` inside the mutation arguments; undefined when any step is missing. */
export function resolvePath(args: unknown, path: string): unknown {
  let cur: unknown = args;
  for (const step of path.slice(2).split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !Object.hasOwn(cur, step)) return undefined;
    cur = (cur as Record<string, unknown>)[step];
  }
  return cur;
}

/**
 * Tags a mutation invalidates. For each row of `rows` (already filtered to this mutation) and each
 * safelisted version of the affected op: no selector → the whole op; otherwise one tag per
 * combination of selected values (a list of paths means "any of them"). A path that resolves to
 * nothing falls back to the whole op: over-invalidate, never under.
 */
export function mutationTags(
  rows: readonly EdgeInvalidation[],
  affectedOpIds: (affectedOp: string) => readonly string[],
  args: Readonly<Record<string, unknown>>,
): string[] {
  const out = new Set<string>();
  for (const row of rows) {
    const ids = affectedOpIds(row.affectedOp);
    if (ids.length === 0) continue;
    const combos = selectorCombinations(row.varsSelector, args);
    for (const id of ids) {
      if (combos === null) out.add(opTag(id));
      else for (const pairs of combos) out.add(selectorTag(id, pairs));
    }
  }
  return [...out];
}

type Pairs = Array<readonly [string, unknown]>;

/** null = select the whole operation. */
function selectorCombinations(selector: VarsSelector, args: Readonly<Record<string, unknown>>): Pairs[] | null {
  const keys = selectorKeys(selector);
  if (!keys || !selector) return null;
  let combos: Pairs[] = [[]];
  for (const key of keys) {
    const spec = selector[key]!;
    const paths = Array.isArray(spec) ? spec : [spec];
    const values = new Map<string, unknown>();
    for (const path of paths) {
      const v = resolvePath(args, path);
      if (v === undefined) return null;
      values.set(selectorValue(v), v);
    }
    combos = combos.flatMap((c) => [...values.values()].map((v): Pairs => [...c, [key, v] as const]));
  }
  return combos;
}
