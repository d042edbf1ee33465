import type { EdgeConfig, EdgeInvalidation, EdgeOperation } from '@conductor/schema/contracts/edge-config';
import { selectorKeys } from '../cache/tags.ts';

export type EdgeTenant = EdgeConfig['tenants'][number];

/** Lookups the hot path needs, built once per config version (never per request). */
export interface ConfigIndex {
  readonly version: string;
  /** The global switch: false → every read bypasses the cache. */
  readonly cachingEnabled: boolean;
  readonly opsById: ReadonlyMap<string, EdgeOperation>;
  /** Safelisted queries by operation name: every document version of an affected op. */
  readonly queryIdsByName: ReadonlyMap<string, readonly string[]>;
  readonly tenants: ReadonlyMap<string, EdgeTenant>;
  readonly invalidationsByMutation: ReadonlyMap<string, readonly EdgeInvalidation[]>;
  readonly invalidationsByAffected: ReadonlyMap<string, readonly EdgeInvalidation[]>;
  /** Per safelisted query id: the sorted selector key sets its reads are tagged with. */
  readonly selectorKeySets: ReadonlyMap<string, ReadonlyArray<readonly string[]>>;
}

export function indexConfig(config: EdgeConfig): ConfigIndex {
  const opsById = new Map(config.safelist.map((op) => [op.id, op]));
  const queryIdsByName = new Map<string, string[]>();
  for (const op of config.safelist) {
    if (op.operationType === 'query') push(queryIdsByName, op.name, op.id);
  }
  const invalidationsByMutation = new Map<string, EdgeInvalidation[]>();
  const invalidationsByAffected = new Map<string, EdgeInvalidation[]>();
  for (const row of config.invalidationMap) {
    push(invalidationsByMutation, row.mutationOp, row);
    push(invalidationsByAffected, row.affectedOp, row);
  }
  const selectorKeySets = new Map<string, string[][]>();
  for (const op of config.safelist) {
    if (op.operationType !== 'query') continue;
    const seen = new Map<string, string[]>();
    for (const row of invalidationsByAffected.get(op.name) ?? []) {
      const keys = selectorKeys(row.varsSelector);
      if (keys) seen.set(keys.join('&'), keys);
    }
    selectorKeySets.set(op.id, [...seen.values()]);
  }
  return {
    version: config.version,
    cachingEnabled: config.cachingEnabled,
    opsById,
    queryIdsByName,
    tenants: new Map(config.tenants.map((t) => [t.id, t])),
    invalidationsByMutation,
    invalidationsByAffected,
    selectorKeySets,
  };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
