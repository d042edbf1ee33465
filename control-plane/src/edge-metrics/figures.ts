import { CACHE_STATUSES, isEdgeServed } from '@conductor/schema/contracts/edge-metrics';
import { emptyHistogram, quantile, type Histogram } from '@conductor/schema/contracts/latency-histogram';
import type { CacheStatus } from '@conductor/schema/contracts/metrics';
import type { Figures, Quantiles } from '@conductor/schema/contracts/reports';
import type { LatencySeries } from '@conductor/schema/metrics';

/*
 * Pure core of the latency figures (definitions in docs/reports.md §2): stored per-status counts
 * and log-bucket counts of a window → requests, hit ratio, quantiles and the p95 delta. No I/O.
 */

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
    if (isEdgeServed(b.status)) add(edgeServed, b.bucket, b.count);
  }
  return { edgeServed, origin, served };
}

/** Requests per status and how many of them the edge served itself (the hit ratio's numerator). */
export function statusCounts(totals: readonly StatusTotal[]): { statuses: Record<CacheStatus, number>; requests: number; edgeServed: number } {
  const statuses = Object.fromEntries(CACHE_STATUSES.map((s) => [s, 0])) as Record<CacheStatus, number>;
  for (const t of totals) statuses[t.status] += t.requests;
  const requests = CACHE_STATUSES.reduce((n, s) => n + statuses[s], 0);
  const edgeServed = CACHE_STATUSES.filter(isEdgeServed).reduce((n, s) => n + statuses[s], 0);
  return { statuses, requests, edgeServed };
}

export function figures(totals: readonly StatusTotal[], buckets: readonly BucketCount[]): Figures {
  const { statuses, requests, edgeServed } = statusCounts(totals);
  const h = histograms(buckets);
  const origin = quantilesOf(h.origin);
  const served = quantilesOf(h.served);
  const p95DeltaMs = origin.p95Ms !== null && served.p95Ms !== null ? origin.p95Ms - served.p95Ms : null;
  return {
    requests,
    statuses,
    hitRatio: requests === 0 ? null : edgeServed / requests,
    edgeServed: quantilesOf(h.edgeServed),
    origin,
    served,
    p95DeltaMs,
    p95DeltaPct: p95DeltaMs !== null && origin.p95Ms ? (p95DeltaMs / origin.p95Ms) * 100 : null,
  };
}
