import { isCacheable, isEdgeServed } from '@conductor/schema/contracts/edge-metrics';
import type { CacheStatus } from '@conductor/schema/contracts/metrics';
import type { ReceiptRow } from '../../edge-metrics/purges.ts';

export type { ReceiptRow } from '../../edge-metrics/purges.ts';

/**
 * From metric rows to the model's inputs, per operation name. Pure: queries.ts fetches the rows.
 *
 * Traffic: every document version of a name is pooled (they share a TTL and a switch).
 * Invalidations: a purge receipt ends a cached entry of the name when it bumps the tenant (`*`)
 * or the whole operation (`op:<id>` of any version); a variant tag (`op:<id>|id="5"`, or
 * `op:<id>#<varsHash>` for one exact key) ends only the entries of that variant. The per-key rate μ is, per tenant,
 *
 *     μ_t = (whole-operation purges + variant purges / distinct variants purged) / window
 *
 * and μ is the average of μ_t weighted by each tenant's share of the requests. The variant term
 * is the rate at which a variant that gets purged at all is purged; applying it to every key
 * overstates μ when many keys are never purged, which errs towards shorter TTLs.
 */

export interface VersionRow {
  id: string;
  name: string;
  operationType: string;
  ttlSeconds: number;
  cachingEnabled: boolean;
  /** Last change of the row (TTL, scope, switch…): older observations were made under another configuration. */
  updatedAt: Date;
}

export interface TrafficRow {
  opId: string;
  tenantId: string;
  /** Served by the edge (EDGE_SERVED_STATUSES: HIT, STALE, COALESCED). */
  hits: number;
  /** Cacheable requests: every status except BYPASS (caching off, unsafelisted), so hits + MISS. */
  requests: number;
}

/** Requests per (operation id, tenant, status) → the cacheable traffic per (operation id, tenant). */
export function cacheableTraffic(rows: readonly { opId: string; tenantId: string; status: CacheStatus; requests: number }[]): TrafficRow[] {
  const byKey = new Map<string, TrafficRow>();
  for (const r of rows) {
    if (!isCacheable(r.status)) continue;
    const key = `${r.opId}\u0000${r.tenantId}`;
    const row = byKey.get(key) ?? { opId: r.opId, tenantId: r.tenantId, hits: 0, requests: 0 };
    row.requests += r.requests;
    if (isEdgeServed(r.status)) row.hits += r.requests;
    byKey.set(key, row);
  }
  return [...byKey.values()];
}

export interface OperationInputs {
  name: string;
  /** Start of the observations used: see observationStart. */
  observedFrom: Date;
  windowSeconds: number;
  versions: string[];
  /** null when the versions disagree. */
  currentTtlSeconds: number | null;
  cachingEnabled: boolean;
  requests: number;
  hits: number;
  /** Receipts that ended entries of the operation in a tenant that has traffic of it. */
  invalidations: number;
  mu: number;
  coveredByInvalidationMap: boolean;
}

const MINUTE_MS = 60_000;

/**
 * Observations count from the first whole minute after the last change of any version of the
 * name (metrics are per minute; the minute of the change mixes both configurations), or from the
 * window start if that is later. A TTL accepted an hour ago makes older traffic irrelevant: it
 * was served under the old TTL, and the model inverts the hit ratio with the current one.
 */
export function observationStart(versions: readonly VersionRow[], from: Date): Date {
  const changed = Math.max(...versions.map((v) => v.updatedAt.getTime()));
  const firstWholeMinute = Math.floor(changed / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
  return new Date(Math.max(from.getTime(), firstWholeMinute));
}

/** Query operations grouped by name (mutations and subscriptions are never cached), sorted by name. */
export function queryOperationsByName(versions: readonly VersionRow[]): [string, VersionRow[]][] {
  const byName = new Map<string, VersionRow[]>();
  for (const v of versions) {
    if (v.operationType !== 'query') continue;
    byName.set(v.name, [...(byName.get(v.name) ?? []), v]);
  }
  return [...byName].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The model's inputs per query name. `traffic` must already be restricted to each name's
 * observation window (observationStart … to); receipts are filtered here by the same rule.
 */
export function aggregateOperations(input: {
  versions: VersionRow[];
  traffic: TrafficRow[];
  receipts: ReceiptRow[];
  coveredNames: ReadonlySet<string>;
  window: { from: Date; to: Date };
}): OperationInputs[] {
  const nameOf = new Map(input.versions.map((v) => [v.id, v.name]));

  const result: OperationInputs[] = [];
  for (const [name, versions] of queryOperationsByName(input.versions)) {
    const observedFrom = observationStart(versions, input.window.from);
    const windowSeconds = Math.max(0, (input.window.to.getTime() - observedFrom.getTime()) / 1000);
    const ids = new Set(versions.map((v) => v.id));
    const perTenant = new Map<string, number>();
    let requests = 0;
    let hits = 0;
    for (const row of input.traffic) {
      if (nameOf.get(row.opId) !== name) continue;
      requests += row.requests;
      hits += row.hits;
      perTenant.set(row.tenantId, (perTenant.get(row.tenantId) ?? 0) + row.requests);
    }

    const whole = new Map<string, number>();
    const variantEvents = new Map<string, number>();
    const variants = new Map<string, Set<string>>();
    let invalidations = 0;
    for (const receipt of input.receipts) {
      // Tenants without traffic of the operation carry no weight in μ, and their purges ended nothing of it.
      if (!perTenant.has(receipt.tenantId)) continue;
      if (receipt.appliedAt < observedFrom || receipt.appliedAt >= input.window.to) continue;
      const touched = classify(receipt.tags, ids);
      if (touched === null) continue;
      invalidations += 1;
      if (touched === 'whole') {
        whole.set(receipt.tenantId, (whole.get(receipt.tenantId) ?? 0) + 1);
        continue;
      }
      variantEvents.set(receipt.tenantId, (variantEvents.get(receipt.tenantId) ?? 0) + touched.size);
      const seen = variants.get(receipt.tenantId) ?? new Set<string>();
      for (const v of touched) seen.add(v);
      variants.set(receipt.tenantId, seen);
    }

    let mu = 0;
    if (requests > 0 && windowSeconds > 0) {
      for (const [tenant, n] of perTenant) {
        const distinct = variants.get(tenant)?.size ?? 0;
        const perKey = (whole.get(tenant) ?? 0) + (distinct > 0 ? (variantEvents.get(tenant) ?? 0) / distinct : 0);
        mu += (n / requests) * (perKey / windowSeconds);
      }
    }

    const ttls = new Set(versions.map((v) => v.ttlSeconds));
    result.push({
      name,
      observedFrom,
      windowSeconds,
      versions: [...ids].sort(),
      currentTtlSeconds: ttls.size === 1 ? versions[0]!.ttlSeconds : null,
      cachingEnabled: versions.every((v) => v.cachingEnabled),
      requests,
      hits,
      invalidations,
      mu,
      coveredByInvalidationMap: input.coveredNames.has(name),
    });
  }
  return result;
}

/**
 * What a receipt's tags do to one operation (given its version ids): 'whole' when the tenant or
 * the operation is bumped, the set of variant parts (`|id="5"`, `#<varsHash>`) when only variants
 * are, null when nothing of it. Variants of different versions with the same values are the same variant.
 */
export function classify(tags: readonly string[], ids: ReadonlySet<string>): 'whole' | Set<string> | null {
  const touched = new Set<string>();
  for (const tag of tags) {
    if (tag === '*') return 'whole';
    if (!tag.startsWith('op:')) continue;
    // `op:<id>`, `op:<id>|field="value"` (selector) or `op:<id>#<varsHash>` (one exact key).
    const cut = tag.slice(3).search(/[|#]/);
    const id = cut === -1 ? tag.slice(3) : tag.slice(3, 3 + cut);
    if (!ids.has(id)) continue;
    if (cut === -1) return 'whole';
    touched.add(tag.slice(3 + cut));
  }
  return touched.size > 0 ? touched : null;
}
