import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { safelistedOperations } from '@conductor/schema/cache';
import type { Histogram } from '@conductor/schema/contracts/latency-histogram';
import type { CacheStatus } from '@conductor/schema/contracts/metrics';
import { edgeLatencyBuckets, edgeMetricMinutes, type LatencySeries } from '@conductor/schema/metrics';
import type { Db } from '../db/client.ts';
import { edgeServedSum, inWindow, slotOf, sumOf, tenantCondition } from './sql.ts';
import { isEmptyScope, type TenantScope } from './scope.ts';
import type { Window } from './window.ts';

/*
 * Reads over the edge's traffic tables (edge_metric_minutes, edge_latency_buckets). Every
 * function takes the same filter and answers nothing, without a query, for an empty scope or an
 * empty list of operation ids.
 */

export interface MetricFilter {
  scope: TenantScope;
  window: Window;
  /** Only these operation ids; undefined: every operation. */
  opIds?: readonly string[];
}

function nothingToRead(f: MetricFilter): boolean {
  return isEmptyScope(f.scope) || (f.opIds !== undefined && f.opIds.length === 0);
}

function opCondition(column: typeof edgeMetricMinutes.opId | typeof edgeLatencyBuckets.opId, opIds: readonly string[] | undefined) {
  return opIds ? inArray(column, [...opIds]) : undefined;
}

export interface StatusTotalRow {
  tenantId: string;
  opId: string;
  /** The latest name the edge reported for the id. */
  opName: string;
  status: CacheStatus;
  requests: number;
  bytes: number;
  /** Σ total edge latency (ms) of these requests. */
  totalSumMs: number;
}

/** Requests, bytes and latency sums per (tenant, operation id, cache status) over the window. */
export async function requestsByStatus(db: Db, f: MetricFilter): Promise<StatusTotalRow[]> {
  if (nothingToRead(f)) return [];
  const m = edgeMetricMinutes;
  return db
    .select({
      tenantId: m.tenantId,
      opId: m.opId,
      opName: sql<string>`max(${m.opName})`,
      status: m.status,
      requests: sumOf(m.requests),
      bytes: sumOf(m.bytes),
      totalSumMs: sumOf(m.totalSumMs),
    })
    .from(m)
    .where(and(inWindow(m.minute, f.window), tenantCondition(m.tenantId, f.scope), opCondition(m.opId, f.opIds)))
    .groupBy(m.tenantId, m.opId, m.status)
    .orderBy(asc(m.tenantId), asc(m.opId), asc(m.status));
}

export interface BucketCountRow {
  tenantId: string;
  opId: string;
  status: CacheStatus;
  series: LatencySeries;
  bucket: number;
  count: number;
}

/** Latency-histogram buckets merged over the window (SUM … GROUP BY bucket), per tenant, operation, status and series. */
export async function latencyBuckets(db: Db, f: MetricFilter & { series?: LatencySeries }): Promise<BucketCountRow[]> {
  if (nothingToRead(f)) return [];
  const b = edgeLatencyBuckets;
  return db
    .select({ tenantId: b.tenantId, opId: b.opId, status: b.status, series: b.series, bucket: b.bucket, count: sumOf(b.count) })
    .from(b)
    .where(and(inWindow(b.minute, f.window), tenantCondition(b.tenantId, f.scope), opCondition(b.opId, f.opIds), f.series ? eq(b.series, f.series) : undefined))
    .groupBy(b.tenantId, b.opId, b.status, b.series, b.bucket)
    .orderBy(asc(b.tenantId), asc(b.opId), asc(b.status), asc(b.series), asc(b.bucket));
}

export interface TrafficPoint {
  tenantId: string;
  opId: string;
  opName: string;
  /** Start of the step. */
  at: Date;
  /** Every status. */
  requests: number;
  /** HIT + STALE + COALESCED (EDGE_SERVED_STATUSES). */
  edgeServed: number;
  /** Requests that fetched from the origin. */
  originFetches: number;
  /** Response bytes sent to clients. */
  bytes: number;
}

/** Traffic per (tenant, operation id, step), steps with traffic only, in time order. */
export async function trafficSeries(db: Db, f: MetricFilter, stepMinutes: number): Promise<TrafficPoint[]> {
  if (nothingToRead(f)) return [];
  const m = edgeMetricMinutes;
  const slot = slotOf(m.minute, stepMinutes);
  const rows = await db
    .select({
      tenantId: m.tenantId,
      opId: m.opId,
      opName: sql<string>`max(${m.opName})`,
      slot,
      requests: sumOf(m.requests),
      edgeServed: edgeServedSum(m.status, m.requests),
      originFetches: sumOf(m.originCount),
      bytes: sumOf(m.bytes),
    })
    .from(m)
    .where(and(inWindow(m.minute, f.window), tenantCondition(m.tenantId, f.scope), opCondition(m.opId, f.opIds)))
    .groupBy(m.tenantId, m.opId, slot)
    .orderBy(asc(m.tenantId), asc(m.opId), asc(slot));
  return rows.map(({ slot: s, ...row }) => ({ ...row, at: new Date(s * 1000) }));
}

export interface LatencyPoint {
  tenantId: string;
  opId: string;
  at: Date;
  /** Every status merged; `sumMs` is exact (from the stored sums), so `mean()` works too. */
  histogram: Histogram;
}

/**
 * One latency histogram per (tenant, operation id, step) of a series (`total`: request in →
 * response out at the edge; `origin`: the origin fetch alone), steps with samples only.
 */
export async function latencySeries(db: Db, f: MetricFilter, stepMinutes: number, series: LatencySeries): Promise<LatencyPoint[]> {
  if (nothingToRead(f)) return [];
  const b = edgeLatencyBuckets;
  const m = edgeMetricMinutes;
  const bucketSlot = slotOf(b.minute, stepMinutes);
  const sumSlot = slotOf(m.minute, stepMinutes);
  const buckets = await db
    .select({ tenantId: b.tenantId, opId: b.opId, slot: bucketSlot, bucket: b.bucket, count: sumOf(b.count) })
    .from(b)
    .where(and(inWindow(b.minute, f.window), tenantCondition(b.tenantId, f.scope), opCondition(b.opId, f.opIds), eq(b.series, series)))
    .groupBy(b.tenantId, b.opId, bucketSlot, b.bucket)
    .orderBy(asc(b.tenantId), asc(b.opId), asc(bucketSlot), asc(b.bucket));
  const sums = await db
    .select({ tenantId: m.tenantId, opId: m.opId, slot: sumSlot, sumMs: sumOf(series === 'total' ? m.totalSumMs : m.originSumMs) })
    .from(m)
    .where(and(inWindow(m.minute, f.window), tenantCondition(m.tenantId, f.scope), opCondition(m.opId, f.opIds)))
    .groupBy(m.tenantId, m.opId, sumSlot);
  const key = (r: { tenantId: string; opId: string; slot: number }) => `${r.tenantId}\u0000${r.opId}\u0000${r.slot}`;
  const sumOfPoint = new Map(sums.map((r) => [key(r), r.sumMs]));
  const points = new Map<string, LatencyPoint>();
  for (const r of buckets) {
    const k = key(r);
    let point = points.get(k);
    if (!point) points.set(k, (point = { tenantId: r.tenantId, opId: r.opId, at: new Date(r.slot * 1000), histogram: { count: 0, sumMs: sumOfPoint.get(k) ?? 0, buckets: {} } }));
    point.histogram.buckets[String(r.bucket)] = r.count;
    point.histogram.count += r.count;
  }
  return [...points.values()];
}

/**
 * The operation ids an `op` parameter stands for: itself if it is an id, else every id the edge
 * reported under that name in the window (or ever, without one) and every id safelisted under it.
 */
export async function opIdsNamed(db: Db, op: string, window?: Window): Promise<string[]> {
  if (op.startsWith('sha256:')) return [op];
  const m = edgeMetricMinutes;
  const seen = await db
    .selectDistinct({ opId: m.opId })
    .from(m)
    .where(and(eq(m.opName, op), window ? inWindow(m.minute, window) : undefined));
  const safelisted = await db.select({ opId: safelistedOperations.id }).from(safelistedOperations).where(eq(safelistedOperations.name, op));
  return [...new Set([...seen, ...safelisted].map((r) => r.opId))].sort();
}
