import type { CacheStatus, EdgeMetricsBatch } from '@conductor/schema/contracts/metrics';
import type { LatencySeries } from '@conductor/schema/metrics';

/*
 * Pure core of metrics ingest: an EdgeMetricsBatch (already shape-checked by zod) → the rows the
 * upserts write, or the list of reasons it is refused. No I/O, so the rules are tested with vectors.
 */

/** How far ahead of the control plane's clock an edge minute may be (clock skew), before it is refused. */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;

export const MINUTE_MS = 60_000;

export interface MinuteRow {
  minute: Date;
  tenantId: string;
  opId: string;
  status: CacheStatus;
  opName: string;
  requests: number;
  bytes: number;
  totalSumMs: number;
  originCount: number;
  originSumMs: number;
}

export interface BucketRow {
  minute: Date;
  tenantId: string;
  opId: string;
  status: CacheStatus;
  series: LatencySeries;
  bucket: number;
  count: number;
}

export interface ReceiptRow {
  purgeId: string;
  tenantId: string;
  tags: string[];
  duplicate: boolean;
  appliedAt: Date;
}

export interface FailureRow {
  minute: Date;
  tenantId: string;
  count: number;
}

export interface BatchRows {
  minutes: MinuteRow[];
  buckets: BucketRow[];
  receipts: ReceiptRow[];
  failures: FailureRow[];
}

export type AggregateResult = { ok: true; rows: BatchRows } | { ok: false; issues: string[] };

export function floorToMinute(ms: number): number {
  return Math.floor(ms / MINUTE_MS) * MINUTE_MS;
}

function parseInstant(value: string): number | undefined {
  // Date.parse accepts a lot ("1", "March 7"); insist on an ISO-8601 date-time with a zone.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

function bucketTotal(buckets: Record<string, number>): number {
  let n = 0;
  for (const count of Object.values(buckets)) n += count;
  return n;
}

// Composite map keys; NUL never occurs in tenant ids, op ids or statuses, so keys cannot collide.
const key = (...parts: (string | number)[]) => parts.join('\u0000');

/**
 * Validates and merges one batch. Series repeating a (minute, tenant, op, status) are added
 * together (an edge may ship two isolates' worth in one batch), and every row list comes out
 * sorted by primary key: concurrent ingests then lock rows in the same order and cannot deadlock.
 */
export function aggregateBatch(batch: EdgeMetricsBatch, receivedAtMs: number): AggregateResult {
  const issues: string[] = [];
  const sentAtMs = parseInstant(batch.sentAt);
  if (sentAtMs === undefined) issues.push(`sentAt: "${batch.sentAt}" is not an ISO-8601 date-time with a time zone`);

  const minutes = new Map<string, MinuteRow>();
  const buckets = new Map<string, BucketRow>();
  batch.series.forEach((s, i) => {
    const at = `series.${i}`;
    if (s.minute > receivedAtMs + MAX_FUTURE_SKEW_MS) issues.push(`${at}.minute: ${new Date(s.minute).toISOString()} is in the future`);
    // The count is what every rate and quantile divides by: it must be exactly the buckets' sum.
    if (bucketTotal(s.total.buckets) !== s.total.count) issues.push(`${at}.total: count ${s.total.count} is not the sum of its buckets`);
    if (s.origin) {
      if (bucketTotal(s.origin.buckets) !== s.origin.count) issues.push(`${at}.origin: count ${s.origin.count} is not the sum of its buckets`);
      if (s.origin.count > s.total.count) issues.push(`${at}.origin: count ${s.origin.count} exceeds the series' ${s.total.count} requests`);
    }
    if (issues.length > 0) return;
    const minute = new Date(s.minute);
    const id = key(s.minute, s.tenant, s.opId, s.status);
    const row = minutes.get(id);
    if (row) {
      row.opName = s.opName || row.opName;
      row.requests += s.total.count;
      row.bytes += s.bytes;
      row.totalSumMs += s.total.sumMs;
      row.originCount += s.origin?.count ?? 0;
      row.originSumMs += s.origin?.sumMs ?? 0;
    } else {
      minutes.set(id, {
        minute,
        tenantId: s.tenant,
        opId: s.opId,
        status: s.status,
        opName: s.opName,
        requests: s.total.count,
        bytes: s.bytes,
        totalSumMs: s.total.sumMs,
        originCount: s.origin?.count ?? 0,
        originSumMs: s.origin?.sumMs ?? 0,
      });
    }
    const histograms: [LatencySeries, Record<string, number>][] = [['total', s.total.buckets]];
    if (s.origin) histograms.push(['origin', s.origin.buckets]);
    for (const [series, counts] of histograms) {
      for (const [bucketKey, count] of Object.entries(counts)) {
        const bucket = Number(bucketKey);
        const bid = key(id, series, bucket);
        const existing = buckets.get(bid);
        if (existing) existing.count += count;
        else buckets.set(bid, { minute, tenantId: s.tenant, opId: s.opId, status: s.status, series, bucket, count });
      }
    }
  });

  const receipts = new Map<string, ReceiptRow>();
  batch.purges.forEach((p, i) => {
    const appliedAtMs = parseInstant(p.appliedAt);
    if (appliedAtMs === undefined) {
      issues.push(`purges.${i}.appliedAt: "${p.appliedAt}" is not an ISO-8601 date-time with a time zone`);
      return;
    }
    const earlier = receipts.get(p.purgeId);
    if (earlier && earlier.tenantId !== p.tenant) {
      issues.push(`purges.${i}.tenant: purge ${p.purgeId} is acknowledged for both "${earlier.tenantId}" and "${p.tenant}"`);
      return;
    }
    // The first application is the one that happened; later acks of the same id are retries.
    if (!earlier || appliedAtMs < earlier.appliedAt.getTime()) {
      receipts.set(p.purgeId, { purgeId: p.purgeId, tenantId: p.tenant, tags: p.tags, duplicate: p.duplicate, appliedAt: new Date(appliedAtMs) });
    }
  });

  const failures = new Map<string, FailureRow>();
  if (sentAtMs !== undefined) {
    // Failures carry no time of their own: they belong to the minute the edge sent them in,
    // never later than now (a fast edge clock must not push them out of "the last N minutes").
    const minute = new Date(floorToMinute(Math.min(sentAtMs, receivedAtMs)));
    for (const f of batch.purgeFailures) {
      const existing = failures.get(f.tenant);
      if (existing) existing.count += f.count;
      else failures.set(f.tenant, { minute, tenantId: f.tenant, count: f.count });
    }
  }

  if (issues.length > 0) return { ok: false, issues };
  const byKey = <T>(map: Map<string, T>) => [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
  return { ok: true, rows: { minutes: byKey(minutes), buckets: byKey(buckets), receipts: byKey(receipts), failures: byKey(failures) } };
}
