import { isEdgeServed } from '@conductor/schema/contracts/edge-metrics';
import { bucketValue } from '@conductor/schema/contracts/latency-histogram';
import type { Db } from '../db/client.ts';
import { statusCounts } from '../edge-metrics/figures.ts';
import { ALL_TENANTS, onlyTenants } from '../edge-metrics/scope.ts';
import { latencyBuckets, requestsByStatus, type MetricFilter } from '../edge-metrics/traffic.ts';
import { windowEndingAt } from '../edge-metrics/window.ts';

/*
 * What the edge measured for an op, as what-if inputs: arrival rate, cache hit ratio, the latency
 * of a hit and the origin's service time (mean and squared coefficient of variation). The
 * catalog's fallback values stand in for whatever the metrics cannot tell (no traffic, too few
 * origin samples); the hit latency, which the catalog does not hold, falls back to a default.
 */

/** Below this many origin fetches the histogram says too little about the service time's spread. */
export const MIN_ORIGIN_SAMPLES = 20;
/**
 * Hit latency assumed until the edge has answered one from cache: a hit is a lookup in isolate
 * memory or the data centre's cache, about a millisecond as the edge measures it (request in →
 * response out). Not zero, so an estimate never claims that cached answers are free.
 */
export const DEFAULT_HIT_LATENCY_MS = 1;

export interface TrafficTotals {
  /** Client requests of every status. */
  requests: number;
  /** Requests the edge served itself (EDGE_SERVED_STATUSES): their share is the hit ratio. */
  edgeServed: number;
  /** Σ total edge latency (ms) of those requests: their mean is the hit latency. */
  edgeServedMs: number;
}

export interface BucketCount {
  bucket: number;
  count: number;
}

export interface ServiceTimeEstimate {
  samples: number;
  meanMs: number;
  scv: number;
}

/**
 * Mean and SCV of the origin service time from a log-bucketed histogram, each sample taken at
 * its bucket's representative value (latency-histogram.ts): both moments from the same points,
 * so the variance can never come out negative. Null without samples. Pure.
 */
export function serviceTimeFromBuckets(buckets: readonly BucketCount[]): ServiceTimeEstimate | null {
  let n = 0;
  let sum = 0;
  let sumSq = 0;
  for (const { bucket, count } of buckets) {
    if (count <= 0) continue;
    const v = bucketValue(bucket);
    n += count;
    sum += count * v;
    sumSq += count * v * v;
  }
  if (n === 0) return null;
  const meanMs = sum / n;
  const variance = Math.max(0, sumSq / n - meanMs * meanMs);
  return { samples: n, meanMs, scv: variance / (meanMs * meanMs) };
}

export type InputSource = 'observed' | 'catalog' | 'default' | 'override';

export interface ObservedInputs {
  window: { from: string; to: string; minutes: number };
  /** Persisted document ids the metrics were read for (every safelisted version of the op's name). */
  opIds: string[];
  tenant: string | null;
  requests: number;
  originSamples: number;
  arrivalRatePerSecond: { value: number; source: InputSource };
  hitRatio: { value: number; source: InputSource };
  /** Mean edge latency of the requests the hit ratio counts. */
  hitLatencyMs: { value: number; source: InputSource };
  serviceTimeMeanMs: { value: number; source: InputSource };
  serviceTimeScv: { value: number; source: InputSource };
}

export interface CatalogFallback {
  serviceTimeMeanMs: number;
  serviceTimeScv: number;
  arrivalRatePerSecond: number;
}

/**
 * Combines measured traffic with the catalog's fallbacks. Arrival rate is requests per second
 * over the whole window (minutes without traffic count as zero); the hit ratio needs at least one
 * request, the hit latency one cache-answered request, the service time at least
 * MIN_ORIGIN_SAMPLES origin fetches. Pure.
 */
export function deriveInputs(
  traffic: TrafficTotals,
  originBuckets: readonly BucketCount[],
  fallback: CatalogFallback,
  windowMinutes: number,
): Pick<ObservedInputs, 'requests' | 'originSamples' | 'arrivalRatePerSecond' | 'hitRatio' | 'hitLatencyMs' | 'serviceTimeMeanMs' | 'serviceTimeScv'> {
  const service = serviceTimeFromBuckets(originBuckets);
  const enoughService = service !== null && service.samples >= MIN_ORIGIN_SAMPLES;
  const seen = traffic.requests > 0;
  return {
    requests: traffic.requests,
    originSamples: service?.samples ?? 0,
    arrivalRatePerSecond: seen
      ? { value: traffic.requests / (windowMinutes * 60), source: 'observed' }
      : { value: fallback.arrivalRatePerSecond, source: 'catalog' },
    // The catalog has no hit ratio: without traffic the calculator assumes no cache (every request reaches the origin).
    hitRatio: seen ? { value: traffic.edgeServed / traffic.requests, source: 'observed' } : { value: 0, source: 'default' },
    hitLatencyMs:
      traffic.edgeServed > 0 ? { value: traffic.edgeServedMs / traffic.edgeServed, source: 'observed' } : { value: DEFAULT_HIT_LATENCY_MS, source: 'default' },
    serviceTimeMeanMs: enoughService ? { value: service.meanMs, source: 'observed' } : { value: fallback.serviceTimeMeanMs, source: 'catalog' },
    serviceTimeScv: enoughService ? { value: service.scv, source: 'observed' } : { value: fallback.serviceTimeScv, source: 'catalog' },
  };
}

/** Requests of the filter, every tenant, operation and status together. */
export async function trafficTotals(db: Db, filter: MetricFilter): Promise<TrafficTotals> {
  const rows = await requestsByStatus(db, filter);
  const { requests, edgeServed } = statusCounts(rows);
  const edgeServedMs = rows.filter((r) => isEdgeServed(r.status)).reduce((sum, r) => sum + r.totalSumMs, 0);
  return { requests, edgeServed, edgeServedMs };
}

/** The origin-fetch histogram of the filter, merged over minutes, tenants and statuses. */
export async function originBuckets(db: Db, filter: MetricFilter): Promise<BucketCount[]> {
  const merged = new Map<number, number>();
  for (const r of await latencyBuckets(db, { ...filter, series: 'origin' })) merged.set(r.bucket, (merged.get(r.bucket) ?? 0) + r.count);
  return [...merged].sort(([a], [b]) => a - b).map(([bucket, count]) => ({ bucket, count }));
}

/**
 * Observed what-if inputs of an op over the window ending at `to` (exclusive), with their sources;
 * `tenant` null reads every tenant's traffic (the op's platform-wide load).
 */
export async function observedInputs(
  db: Db,
  opIds: string[],
  fallback: CatalogFallback,
  opts: { to: Date; windowMinutes: number; tenant: string | null },
): Promise<ObservedInputs> {
  const window = windowEndingAt(opts.to, opts.windowMinutes);
  const filter: MetricFilter = { scope: opts.tenant ? onlyTenants([opts.tenant]) : ALL_TENANTS, window, opIds };
  const [traffic, buckets] = await Promise.all([trafficTotals(db, filter), originBuckets(db, filter)]);
  return {
    window: { from: window.from.toISOString(), to: window.to.toISOString(), minutes: opts.windowMinutes },
    opIds,
    tenant: opts.tenant,
    ...deriveInputs(traffic, buckets, fallback, opts.windowMinutes),
  };
}
