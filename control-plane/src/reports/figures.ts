import { emptyHistogram, quantile, type Histogram } from '@conductor/schema/contracts/latency-histogram';
import type { CacheStatus } from '@conductor/schema/contracts/metrics';
import type { LatencySeries } from '@conductor/schema/metrics';

/*
 * Pure core of the latency reports (definitions in docs/reports.md): stored per-status counts and
 * log-bucket counts of a window → requests, hit ratio, quantiles and the p95 delta. No I/O.
 */

export const CACHE_STATUSES = ['HIT', 'MISS', 'BYPASS', 'STALE', 'COALESCED'] as const satisfies readonly CacheStatus[];

/** Answered by the edge without waiting for the origin: these count as hits. */
export const EDGE_SERVED: ReadonlySet<CacheStatus> = new Set<CacheStatus>(['HIT', 'STALE', 'COALESCED']);

export interface StatusTotal {
  status: CacheStatus;
  requests: number;
}

export interface BucketCount {
  status: CacheStatus;
  series: LatencySeries;
  bucket: number;
  count: number;
}

export interface Quantiles {
  /** Samples behind the quantiles. */
  count: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

export interface Figures {
  requests: number;
  statuses: Record<CacheStatus, number>;
  /** (HIT + STALE + COALESCED) / requests; null without requests. */
  hitRatio: number | null;
  /** Total latency of edge-served requests (HIT, STALE, COALESCED). */
  edgeServed: Quantiles;
  /** Origin fetch latency, whatever the status: what every request would cost without the cache. */
  origin: Quantiles;
  /** Total latency of every request, as clients experienced it. */
  served: Quantiles;
  /** origin.p95 − served.p95: milliseconds the cache takes off the 95th percentile. */
  p95DeltaMs: number | null;
  /** p95DeltaMs as a percentage of origin.p95. */
  p95DeltaPct: number | null;
}

function quantilesOf(h: Histogram): Quantiles {
  return { count: h.count, p50Ms: quantile(h, 0.5), p95Ms: quantile(h, 0.95), p99Ms: quantile(h, 0.99) };
}

function add(h: Histogram, bucket: number, count: number): void {
  const key = String(bucket);
  h.buckets[key] = (h.buckets[key] ?? 0) + count;
  h.count += count;
}

/** Histograms of the three populations the figures are read from, merged from bucket counts. */
export function histograms(buckets: readonly BucketCount[]): { edgeServed: Histogram; origin: Histogram; served: Histogram } {
  const edgeServed = emptyHistogram();
  const origin = emptyHistogram();
  const served = emptyHistogram();
  for (const b of buckets) {
    if (b.series === 'origin') {
      add(origin, b.bucket, b.count);
      continue;
    }
    add(served, b.bucket, b.count);
    if (EDGE_SERVED.has(b.status)) add(edgeServed, b.bucket, b.count);
  }
  return { edgeServed, origin, served };
}

export function figures(totals: readonly StatusTotal[], buckets: readonly BucketCount[]): Figures {
  const statuses = Object.fromEntries(CACHE_STATUSES.map((s) => [s, 0])) as Record<CacheStatus, number>;
  for (const t of totals) statuses[t.status] += t.requests;
  const requests = CACHE_STATUSES.reduce((n, s) => n + statuses[s], 0);
  const hits = CACHE_STATUSES.filter((s) => EDGE_SERVED.has(s)).reduce((n, s) => n + statuses[s], 0);
  const h = histograms(buckets);
  const origin = quantilesOf(h.origin);
  const served = quantilesOf(h.served);
  const p95DeltaMs = origin.p95Ms !== null && served.p95Ms !== null ? origin.p95Ms - served.p95Ms : null;
  return {
    requests,
    statuses,
    hitRatio: requests === 0 ? null : hits / requests,
    edgeServed: quantilesOf(h.edgeServed),
    origin,
    served,
    p95DeltaMs,
    p95DeltaPct: p95DeltaMs !== null && origin.p95Ms ? (p95DeltaMs / origin.p95Ms) * 100 : null,
  };
}
