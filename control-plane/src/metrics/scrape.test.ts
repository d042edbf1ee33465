import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketValue, quantile } from '@conductor/schema/contracts/latency-histogram';
import { alertEvaluationJob } from '../alerts/job.ts';
import { savePurgeEvent } from '../cache/purge/queries.ts';
import { runJob } from '../scheduler/runner.ts';
import { expectError } from '../testing/api-error.ts';
import { PLATFORM_ADMIN, startTestApp, tenantAdmin, type TestApp } from '../testing/app.ts';
import { upsertTenant } from '../tenants/queries.ts';
import { cumulativeBuckets, DURATION_LE_MS } from './exposition.ts';
import { batch, EDGE_TOKEN, histogramOf, ingest, minutesAgo, OP_A, parseExposition, series, type ParsedFamily } from './testing.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  for (const id of ['acme', 'globex']) await upsertTenant(t.db, { id, name: id, strictSafelist: false });
});
afterAll(() => t.close());

const SCRAPER = { tenant: 'conductor', sub: 'service:prometheus', scopes: ['metrics.read'] };

function sample(family: ParsedFamily | undefined, labels: Record<string, string>, name = family?.name) {
  return family?.samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

describe('GET /metrics', () => {
  const hits = [0.8, 1.2, 1.9, 3, 4.4, 0.6, 2.2, 0.9];
  const missTotals = [31, 45, 62, 130, 260];
  const missOrigin = [29, 43, 60, 127, 255];

  beforeAll(async () => {
    const m = minutesAgo(2);
    await ingest(
      t,
      batch({
        series: [
          series({ minute: m, status: 'HIT', totalMs: hits, opName: 'Get "quoted"\\name' }),
          series({ minute: m, status: 'MISS', totalMs: missTotals, originMs: missOrigin, opName: 'Get "quoted"\\name' }),
          // Outside the five-minute window: must not count.
          series({ minute: minutesAgo(7), status: 'MISS', totalMs: [5000], originMs: [4999], opName: 'Get "quoted"\\name' }),
        ],
        purges: [
          { purgeId: 'm-1', tenant: 'acme', tags: [`op:${OP_A}`], duplicate: false, appliedAt: new Date(m + 1000).toISOString() },
          { purgeId: 'm-2', tenant: 'acme', tags: ['*'], duplicate: false, appliedAt: new Date(m + 2000).toISOString() },
        ],
        purgeFailures: [{ tenant: 'globex', count: 3 }],
      }),
    );
    await savePurgeEvent(t.db, { purgeId: 'm-lost', tenantId: 'acme', request: { purgeId: 'm-lost', tenant: 'acme', all: true }, receipt: null, status: 'failed', error: 'edge down', actor: 'user:a' });
    // conductor_alerts shows the last evaluation, as Prometheus' ALERTS shows its rule engine's.
    await runJob(t.db, alertEvaluationJob(), new Date(), { ignoreSchedule: true });
  });

  it('serves a well-formed exposition with HELP and TYPE for every family', async () => {
    const res = await t.call('GET', '/metrics', { token: await t.token(SCRAPER) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const families = parseExposition(await res.text());
    expect([...families.keys()].sort()).toEqual(
      [
        'conductor_alerts',
        'conductor_cache_hit_ratio',
        'conductor_cache_invalidations_per_minute',
        'conductor_cache_p95_delta_milliseconds',
        'conductor_edge_request_duration_milliseconds',
        'conductor_edge_requests',
        'conductor_export_builds_total',
        'conductor_export_corrupt_chunks_total',
        'conductor_export_resume_failures_total',
        'conductor_export_resumes_total',
        'conductor_export_served_bytes_total',
        'conductor_exports_enabled',
        'conductor_metrics_window_seconds',
        'conductor_purge_failures',
        'conductor_purge_outbox_failed',
        'conductor_purge_outbox_pending',
        'conductor_purge_unacknowledged',
        'conductor_purge_unacknowledged_oldest_age_seconds',
      ].sort(),
    );
    expect(families.get('conductor_edge_request_duration_milliseconds')!.type).toBe('histogram');
    expect(families.get('conductor_cache_hit_ratio')!.type).toBe('gauge');
  });

  it('carries the window figures, with label values escaped and read back intact', async () => {
    const families = parseExposition(await (await t.call('GET', '/metrics', { token: await t.token(PLATFORM_ADMIN) })).text());
    const labels = { tenant: 'acme', operation: 'Get "quoted"\\name' };
    expect(sample(families.get('conductor_metrics_window_seconds'), {})!.value).toBe(300);
    expect(sample(families.get('conductor_cache_hit_ratio'), labels)!.value).toBeCloseTo(8 / 13, 12);
    expect(sample(families.get('conductor_edge_requests'), { ...labels, cache_status: 'MISS' })!.value).toBe(5);
    const delta = quantile(histogramOf(missOrigin), 0.95)! - quantile(histogramOf([...hits, ...missTotals]), 0.95)!;
    expect(sample(families.get('conductor_cache_p95_delta_milliseconds'), labels)!.value).toBeCloseTo(delta, 9);
    expect(sample(families.get('conductor_cache_invalidations_per_minute'), { tenant: 'acme' })!.value).toBeCloseTo(2 / 5, 12);
    expect(sample(families.get('conductor_purge_unacknowledged'), { tenant: 'acme' })!.value).toBe(1);
    expect(sample(families.get('conductor_purge_failures'), { tenant: 'globex' })!.value).toBe(3);
    expect(sample(families.get('conductor_purge_failures'), { tenant: 'acme' })!.value).toBe(1);
    const alerts = families.get('conductor_alerts')!.samples.map((s) => `${s.labels.alertname}/${s.labels.alertstate}/${s.labels.tenant}`).sort();
    expect(alerts).toEqual(['ConductorInvalidationBacklog/pending/acme', 'ConductorPurgeFailures/firing/acme', 'ConductorPurgeFailures/firing/globex']);
  });

  it('exposes request durations as a cumulative histogram over the fixed le bounds', async () => {
    const families = parseExposition(await (await t.call('GET', '/metrics', { token: await t.token(SCRAPER) })).text());
    const h = families.get('conductor_edge_request_duration_milliseconds')!;
    const labels = { tenant: 'acme', cache_status: 'MISS' };
    const buckets = h.samples.filter((s) => s.name.endsWith('_bucket') && s.labels.cache_status === 'MISS');
    expect(buckets.map((b) => b.labels.le)).toEqual([...DURATION_LE_MS.map(String), '+Inf']);
    const counts = buckets.map((b) => b.value);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    // 31, 45 ≤ 50; 62 ≤ 100; 130, 260 ≤ 250/500 by their log buckets' values.
    expect(Object.fromEntries(buckets.map((b) => [b.labels.le, b.value]))).toMatchObject({ '25': 0, '50': 2, '100': 3, '250': 4, '500': 5, '+Inf': 5 });
    expect(sample(h, labels, `${h.name}_count`)!.value).toBe(5);
    expect(sample(h, labels, `${h.name}_sum`)!.value).toBeCloseTo(missTotals.reduce((a, b) => a + b, 0), 9);
  });

  it('places a log bucket under the first bound at or above its value', () => {
    const justOver = [...Array(4000).keys()].map((i) => i - 2000).find((i) => bucketValue(i) > 1 && bucketValue(i - 1) <= 1)!;
    expect(cumulativeBuckets([{ bucket: justOver - 1, count: 1 }, { bucket: justOver, count: 2 }]).slice(0, 2)).toEqual([
      { le: 1, count: 1 },
      { le: 2.5, count: 3 },
    ]);
  });

  it('refuses anonymous callers, tenant admins and the edge', async () => {
    await expectError(await t.call('GET', '/metrics'), 401, 'UNAUTHENTICATED');
    for (const who of [tenantAdmin('acme'), EDGE_TOKEN]) {
      expect(await expectError(await t.call('GET', '/metrics', { token: await t.token(who) }), 403, 'FORBIDDEN')).toContain('metrics.read');
    }
  });
});
