import type { EdgeConfig, EdgeInvalidation, EdgeOperation } from '@conductor/schema/contracts/edge-config';
import { canonicalJson, sha256Hex } from '@conductor/sdk';

export interface EdgeConfigRows {
  /** The platform-wide switch (edge_settings; true when no row exists). */
  cachingEnabled: boolean;
  tenants: { id: string; strictSafelist: boolean }[];
  safelist: EdgeOperation[];
  invalidationMap: EdgeInvalidation[];
}

/**
 * The snapshot every edge isolate pulls. Rows are projected to the contract's fields and
 * sorted, so `version` (sha256 of the canonical JSON of the content, `generatedAt` excluded)
 * depends only on what the edge would see: it is the ETag, and it changes exactly when the
 * content does, whatever order the database returned rows in.
 */
export async function buildEdgeConfig(rows: EdgeConfigRows, generatedAt: Date): Promise<EdgeConfig> {
  const content = {
    cachingEnabled: rows.cachingEnabled,
    tenants: rows.tenants.map((t) => ({ id: t.id, strictSafelist: t.strictSafelist })).sort((a, b) => compare(a.id, b.id)),
    safelist: rows.safelist
      .map((o) => ({
        id: o.id,
        name: o.name,
        document: o.document,
        operationType: o.operationType,
        ttlSeconds: o.ttlSeconds,
        staleWhileRevalidateSeconds: o.staleWhileRevalidateSeconds,
        staleIfErrorSeconds: o.staleIfErrorSeconds,
        cachingEnabled: o.cachingEnabled,
        scope: o.scope,
        variables: [...o.variables],
      }))
      .sort((a, b) => compare(a.id, b.id)),
    invalidationMap: rows.invalidationMap
      .map((e) => ({ mutationOp: e.mutationOp, affectedOp: e.affectedOp, varsSelector: e.varsSelector }))
      .sort((a, b) => compare(a.mutationOp, b.mutationOp) || compare(a.affectedOp, b.affectedOp)),
  };
  return { version: await sha256Hex(canonicalJson(content)), generatedAt: generatedAt.toISOString(), ...content };
}

/** If-None-Match may list several tags, weak ones included, or be `*` (RFC 9110 §13.1.2). */
export function matchesIfNoneMatch(header: string | undefined, version: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === `"${version}"`;
  });
}

// Code-unit order, not localeCompare: the order must not depend on the host's locale.
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
