import { bucketValue } from '@conductor/schema/contracts/latency-histogram';
import type { CacheStatus } from '@conductor/schema/contracts/metrics';
import { alertInput, currentAlerts } from '../alerts/service.ts';
import type { Db } from '../db/client.ts';
import { exportFamilies } from '../exports/metrics.ts';
import { figures, type BucketCount } from '../edge-metrics/figures.ts';
import { invalidationsByTenant } from '../edge-metrics/purges.ts';
import { ALL_TENANTS } from '../edge-metrics/scope.ts';
import { latencyBuckets, requestsByStatus, type StatusTotalRow } from '../edge-metrics/traffic.ts';
import { lastWholeMinutes } from '../edge-metrics/window.ts';
import { renderExposition, type Family, type HistogramSample, type Sample } from './prometheus.ts';

/** The scrape covers the last WINDOW_MINUTES whole minutes; the minute in progress is left out (the edge is still flushing it). */
export const WINDOW_MINUTES = 5;

/**
 * Upper bounds (ms) of the exposed duration histogram. Each stored log bucket (±1%) is counted
 * under the first bound at or above its representative value, so `le` boundaries are exact to
 * the histogram's 1% relative accuracy.
 */
export const DURATION_LE_MS = [1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000] as const;


/** The label an operation is exposed under: its name (every version together), its id when nameless. */
const operationOf = (opName: string, opId: string) => opName || opId;

/** Buckets of a merged histogram, cumulative per DURATION_LE_MS bound. */
export function cumulativeBuckets(buckets: { bucket: number; count: number }[]): { le: number; count: number }[] {
  const perBound = DURATION_LE_MS.map(() => 0);
  for (const b of buckets) {
    const i = DURATION_LE_MS.findIndex((le) => bucketValue(b.bucket) <= le);
    if (i >= 0) perBound[i]! += b.count;
  }
  let running = 0;
  return DURATION_LE_MS.map((le, i) => ({ le, count: (running += perBound[i]!) }));
}

/** Everything GET /metrics exposes, over every tenant. */
export async function buildExposition(db: Db, now: Date): Promise<string> {
  const window = lastWholeMinutes(now, WINDOW_MINUTES);
  const totals = await requestsByStatus(db, { scope: ALL_TENANTS, window });
  const buckets = await latencyBuckets(db, { scope: ALL_TENANTS, window });

  // Operation names label the series, so versions of one operation (several ids) merge here.
  const names = new Map<string, string>();
  for (const t of totals) names.set(`${t.tenantId}\u0000${t.opId}`, operationOf(t.opName, t.opId));
  const groups = new Map<string, { tenant: string; operation: string; totals: StatusTotalRow[]; buckets: BucketCount[] }>();
  const groupOf = (tenant: string, opId: string) => {
    const operation = names.get(`${tenant}\u0000${opId}`) ?? opId;
    const key = `${tenant}\u0000${operation}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { tenant, operation, totals: [], buckets: [] }));
    return g;
  };
  for (const t of totals) groupOf(t.tenantId, t.opId).totals.push(t);
  for (const b of buckets) groupOf(b.tenantId, b.opId).buckets.push(b);

  const hitRatio: Sample[] = [];
  const requests: Sample[] = [];
  const p95Delta: Sample[] = [];
  const durations: HistogramSample[] = [];
  for (const g of groups.values()) {
    const labels = { tenant: g.tenant, operation: g.operation };
    const f = figures(g.totals, g.buckets);
    if (f.hitRatio !== null) hitRatio.push({ labels, value: f.hitRatio });
    if (f.p95DeltaMs !== null) p95Delta.push({ labels, value: f.p95DeltaMs });
    const byStatus = new Map<CacheStatus, { bucket: number; count: number }[]>();
    for (const b of g.buckets) {
      if (b.series !== 'total') continue;
      byStatus.set(b.status, [...(byStatus.get(b.status) ?? []), b]);
    }
    for (const t of g.totals) {
      const statusLabels = { ...labels, cache_status: t.status };
      requests.push({ labels: statusLabels, value: t.requests });
      const own = byStatus.get(t.status) ?? [];
      const sum = g.totals.filter((x) => x.status === t.status).reduce((n, x) => n + x.totalSumMs, 0);
      durations.push({ labels: statusLabels, buckets: cumulativeBuckets(own), count: own.reduce((n, b) => n + b.count, 0), sum });
    }
  }

  const invalidations = new Map<string, number>();
  for (const r of await invalidationsByTenant(db, ALL_TENANTS, window, WINDOW_MINUTES)) invalidations.set(r.tenantId, (invalidations.get(r.tenantId) ?? 0) + r.purges);

  const input = await alertInput(db, ALL_TENANTS, now);
  const { alerts } = await currentAlerts(db, ALL_TENANTS);

  const families: Family[] = [
    { name: 'conductor.metrics.window', unit: 's', type: 'gauge', help: 'Length of the window every other conductor_* series is computed over (whole minutes before the scrape).', samples: [{ labels: {}, value: WINDOW_MINUTES * 60 }] },
    { name: 'conductor.edge.requests', unit: '{request}', type: 'gauge', help: 'Requests the edge answered in the window, by tenant, operation and cache status.', samples: requests },
    { name: 'conductor.cache.hit_ratio', unit: '1', type: 'gauge', help: 'Share of requests answered by the edge (HIT, STALE, COALESCED) in the window.', samples: hitRatio },
    { name: 'conductor.cache.p95_delta', unit: 'ms', type: 'gauge', help: 'Origin p95 minus served p95 in the window: milliseconds the cache takes off the 95th percentile.', samples: p95Delta },
    {
      name: 'conductor.edge.request.duration',
      unit: 'ms',
      type: 'histogram',
      help: 'Edge request duration (request in to response out) over the window, not cumulative: use histogram_quantile without rate().',
      samples: durations,
    },
    {
      name: 'conductor.cache.invalidations',
      unit: '{invalidation}/min',
      type: 'gauge',
      help: 'Invalidations the edge applied per minute, averaged over the window (retries the edge recognised excluded).',
      samples: [...invalidations].map(([tenant, n]) => ({ labels: { tenant }, value: n / WINDOW_MINUTES })),
    },
    {
      name: 'conductor.purge.unacknowledged',
      unit: '{purge}',
      type: 'gauge',
      help: 'Admin purges of the last 24 h without an edge receipt after the 120 s grace period, failed ones included.',
      samples: input.backlog.filter((b) => b.unacknowledged > 0).map((b) => ({ labels: { tenant: b.tenant }, value: b.unacknowledged })),
    },
    {
      name: 'conductor.purge.outbox.pending',
      unit: '{purge}',
      type: 'gauge',
      help: 'Purges origin outboxes report waiting for the edge longer than the 120 s grace period (reports of the last 10 minutes).',
      samples: input.backlog.filter((b) => b.outboxPending > 0).map((b) => ({ labels: { tenant: b.tenant }, value: b.outboxPending })),
    },
    {
      name: 'conductor.purge.outbox.failed',
      unit: '{purge}',
      type: 'gauge',
      help: 'Purges origin outboxes report as refused by the edge for good (reports of the last 10 minutes).',
      samples: input.backlog.filter((b) => b.outboxFailed > 0).map((b) => ({ labels: { tenant: b.tenant }, value: b.outboxFailed })),
    },
    {
      name: 'conductor.purge.unacknowledged.oldest_age',
      unit: 's',
      type: 'gauge',
      help: 'Age of the oldest purge not applied at the edge (unacknowledged, or waiting in an origin outbox).',
      samples: input.backlog.map((b) => ({ labels: { tenant: b.tenant }, value: b.oldestAgeSeconds })),
    },
    {
      name: 'conductor.purge.failures',
      unit: '{failure}',
      type: 'gauge',
      help: 'Purge hook requests the edge refused or failed, plus admin purges that failed, in the last 5 minutes.',
      samples: input.purgeFailures.map((f) => ({ labels: { tenant: f.tenant }, value: f.failures })),
    },
    {
      name: 'conductor.alerts',
      unit: '',
      type: 'gauge',
      help: 'Alerts of GET /v1/alerts as of the last evaluation, one series per alert (like Prometheus ALERTS), value 1.',
      samples: alerts.map((a) => ({
        labels: { alertname: a.alertname, alertstate: a.state, severity: a.severity, tenant: a.labels.tenant, ...(a.labels.operation !== undefined ? { operation: a.labels.operation } : {}) },
        value: 1,
      })),
    },
    // Counters since the start, not the window: downloads and builds are events, summed from the database.
    ...(await exportFamilies(db)),
  ];
  return renderExposition(families);
}
