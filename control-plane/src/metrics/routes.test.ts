import { asc } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { edgeLatencyBuckets, edgeMetricBatches, edgeMetricMinutes, purgeFailureMinutes, purgeReceipts } from '@conductor/schema/metrics';
import { MAX_BODY_BYTES } from '../app.ts';
import { expectError } from '../testing/api-error.ts';
import { PLATFORM_ADMIN, startTestApp, tenantAdmin, type TestApp } from '../testing/app.ts';
import { pruneMetrics } from './retention.ts';
import { EDGE_METRICS_MAX_BODY_BYTES } from './routes.ts';
import { batch, EDGE_TOKEN, histogramOf, ingest, minutesAgo, OP_A, OP_B, series } from './testing.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

async function clear() {
  for (const table of [edgeLatencyBuckets, edgeMetricMinutes, edgeMetricBatches, purgeReceipts, purgeFailureMinutes]) await t.db.delete(table);
}

async function stored() {
  return {
    minutes: await t.db.select().from(edgeMetricMinutes).orderBy(asc(edgeMetricMinutes.minute), asc(edgeMetricMinutes.opId), asc(edgeMetricMinutes.status)),
    buckets: await t.db.select().from(edgeLatencyBuckets),
    batches: await t.db.select().from(edgeMetricBatches),
    receipts: await t.db.select().from(purgeReceipts),
    failures: await t.db.select().from(purgeFailureMinutes),
  };
}

function bucketMap(rows: { series: string; status: string; bucket: number; count: number }[]) {
  return Object.fromEntries(rows.map((r) => [`${r.status}/${r.series}/${r.bucket}`, r.count]));
}

describe('POST /v1/metrics/edge', () => {
  beforeEach(clear);

  it('stores series, buckets, receipts and failures and answers 202', async () => {
    const m = minutesAgo(2);
    const body = batch({
      series: [series({ minute: m, status: 'MISS', totalMs: [40, 42], originMs: [30, 31], bytes: 300 }), series({ minute: m, status: 'HIT', totalMs: [1, 1, 2] })],
      purges: [{ purgeId: 'p-1', tenant: 'acme', tags: [`op:${OP_A}|id="1"`], duplicate: false, appliedAt: new Date(m + 5000).toISOString() }],
      purgeFailures: [{ tenant: 'globex', count: 2 }],
    });
    expect(await ingest(t, body)).toEqual({ accepted: true, duplicate: false });
    const s = await stored();
    expect(s.minutes.map((r) => [r.status, r.requests, r.bytes, r.originCount, Math.round(r.totalSumMs), Math.round(r.originSumMs)])).toEqual([
      ['HIT', 3, 300, 0, 4, 0],
      ['MISS', 2, 300, 2, 82, 61],
    ]);
    expect(s.minutes[0]!.minute).toEqual(new Date(m));
    expect(s.buckets.reduce((n, b) => n + b.count, 0)).toBe(3 + 2 + 2);
    expect(s.receipts).toMatchObject([{ purgeId: 'p-1', tenantId: 'acme', tags: [`op:${OP_A}|id="1"`], duplicate: false, appliedAt: new Date(m + 5000) }]);
    expect(s.failures).toMatchObject([{ tenantId: 'globex', count: 2 }]);
    expect(s.batches.map((b) => b.batchId)).toEqual([body.batchId]);
  });

  it('adds a second batch of the same minute to what is stored, bucket by bucket', async () => {
    const m = minutesAgo(3);
    await ingest(t, batch({ series: [series({ minute: m, status: 'MISS', totalMs: [40, 80], originMs: [35, 70] })], purgeFailures: [{ tenant: 'acme', count: 1 }] }));
    await ingest(t, batch({ series: [series({ minute: m, status: 'MISS', totalMs: [40, 120], originMs: [35, 110] })], purgeFailures: [{ tenant: 'acme', count: 4 }] }));
    const s = await stored();
    expect(s.minutes).toHaveLength(1);
    expect(s.minutes[0]).toMatchObject({ requests: 4, originCount: 4, bytes: 400 });
    // Stored buckets equal recording all four requests into one histogram.
    expect(bucketMap(s.buckets)).toEqual({
      ...Object.fromEntries(Object.entries(histogramOf([40, 80, 40, 120]).buckets).map(([b, n]) => [`MISS/total/${b}`, n])),
      ...Object.fromEntries(Object.entries(histogramOf([35, 70, 35, 110]).buckets).map(([b, n]) => [`MISS/origin/${b}`, n])),
    });
    expect(s.failures.reduce((n, f) => n + f.count, 0)).toBe(5);
  });

  it('keeps the latest non-empty operation name of a series', async () => {
    const m = minutesAgo(5);
    await ingest(t, batch({ series: [series({ minute: m, status: 'HIT', totalMs: [1], opName: 'Old' })] }));
    await ingest(t, batch({ series: [series({ minute: m, status: 'HIT', totalMs: [1], opName: 'GetEntity' })] }));
    await ingest(t, batch({ series: [series({ minute: m, status: 'HIT', totalMs: [1], opName: '' })] }));
    expect((await stored()).minutes).toMatchObject([{ opName: 'GetEntity', requests: 3 }]);
  });

  it('counts a retried batch once and says it was a duplicate', async () => {
    const body = batch({ series: [series({ minute: minutesAgo(1), status: 'HIT', totalMs: [2, 3] })], purgeFailures: [{ tenant: 'acme', count: 1 }] });
    expect(await ingest(t, body)).toEqual({ accepted: true, duplicate: false });
    const before = await stored();
    expect(await ingest(t, body)).toEqual({ accepted: true, duplicate: true });
    expect(await stored()).toEqual(before);
  });

  it('keeps the first application of a purge acknowledged again in a later batch', async () => {
    const m = minutesAgo(4);
    await ingest(t, batch({ purges: [{ purgeId: 'p-2', tenant: 'acme', tags: ['*'], duplicate: false, appliedAt: new Date(m).toISOString() }] }));
    await ingest(t, batch({ purges: [{ purgeId: 'p-2', tenant: 'acme', tags: ['*'], duplicate: true, appliedAt: new Date(m + 30_000).toISOString() }] }));
    await ingest(t, batch({ purges: [{ purgeId: 'p-2', tenant: 'globex', tags: [], duplicate: false, appliedAt: new Date(m - 30_000).toISOString() }] }));
    expect((await stored()).receipts).toMatchObject([{ purgeId: 'p-2', tenantId: 'acme', duplicate: false, appliedAt: new Date(m) }]);
  });

  describe('refuses', () => {
    it('a caller without edge.metrics (the config-only edge token, a platform admin)', async () => {
      const body = batch({ series: [series({ minute: minutesAgo(1), status: 'HIT', totalMs: [1] })] });
      for (const opts of [{ ...EDGE_TOKEN, scopes: ['edge.config'] }, PLATFORM_ADMIN, tenantAdmin('acme')]) {
        const res = await t.call('POST', '/v1/metrics/edge', { token: await t.token(opts), body });
        expect(await expectError(res, 403, 'FORBIDDEN')).toContain('edge.metrics');
      }
      expect(await stored()).toMatchObject({ minutes: [], batches: [] });
    });

    it('an anonymous caller', async () => {
      await expectError(await t.call('POST', '/v1/metrics/edge', { body: batch({}) }), 401, 'UNAUTHENTICATED');
    });

    it.each([
      ['malformed JSON', '{"batchId":', 'BAD_JSON'],
      ['a batch id that is not a uuid', { ...batch({}), batchId: 'b-1' }, 'VALIDATION_FAILED'],
      ['a minute that is not on a minute boundary', batch({ series: [{ ...series({ minute: minutesAgo(1), status: 'HIT', totalMs: [1] }), minute: minutesAgo(1) + 1 }] }), 'VALIDATION_FAILED'],
      ['an unknown cache status', batch({ series: [{ ...series({ minute: minutesAgo(1), status: 'HIT', totalMs: [1] }), status: 'WARM' as 'HIT' }] }), 'VALIDATION_FAILED'],
      ['a bucket key that is not an integer', batch({ series: [{ ...series({ minute: minutesAgo(1), status: 'HIT', totalMs: [1] }), total: { count: 1, sumMs: 1, buckets: { '1.5': 1 } } }] }), 'VALIDATION_FAILED'],
    ])('%s with 400 and stores nothing', async (_name, body, code) => {
      const res = await t.call('POST', '/v1/metrics/edge', { token: await t.token(EDGE_TOKEN), body });
      await expectError(res, 400, code);
      expect(await stored()).toMatchObject({ minutes: [], batches: [] });
    });

    it('a batch whose last series is inconsistent, without storing its valid ones or claiming its id', async () => {
      const good = series({ minute: minutesAgo(1), status: 'HIT', totalMs: [1, 2] });
      const bad = { ...series({ minute: minutesAgo(1), opId: OP_B, status: 'MISS', totalMs: [30] }), total: { count: 2, sumMs: 30, buckets: { '171': 1 } } };
      const body = batch({ series: [good, bad], purges: [{ purgeId: 'p-3', tenant: 'acme', tags: ['*'], duplicate: false, appliedAt: new Date().toISOString() }] });
      const message = await expectError(await t.call('POST', '/v1/metrics/edge', { token: await t.token(EDGE_TOKEN), body }), 400, 'VALIDATION_FAILED');
      expect(message).toContain('series.1.total');
      expect(await stored()).toEqual({ minutes: [], buckets: [], batches: [], receipts: [], failures: [] });
      // Once fixed, the same batch id is accepted: the refused attempt claimed nothing.
      expect(await ingest(t, { ...body, series: [good] })).toEqual({ accepted: true, duplicate: false });
    });

    it('a body over the 8 MiB route limit with 413, while bodies over the app-wide 256 KiB are accepted', async () => {
      // 1000 series of ten distinct latencies each: a plausible flush of a busy isolate.
      const spread = (from: number) => Array.from({ length: 10 }, (_, k) => from * 1.1 ** k);
      const many = batch({
        series: Array.from({ length: 1000 }, (_, i) =>
          series({ minute: minutesAgo(1), opId: `sha256:${i.toString(16).padStart(64, '0')}`, status: 'MISS', totalMs: spread(20 + (i % 50)), originMs: spread(15 + (i % 50)) }),
        ),
      });
      expect(JSON.stringify(many).length).toBeGreaterThan(MAX_BODY_BYTES);
      expect(await ingest(t, many)).toEqual({ accepted: true, duplicate: false });
      const huge = { ...batch({}), padding: 'x'.repeat(EDGE_METRICS_MAX_BODY_BYTES) };
      await expectError(await t.call('POST', '/v1/metrics/edge', { token: await t.token(EDGE_TOKEN), body: huge }), 413, 'PAYLOAD_TOO_LARGE');
    });

    it('bodies over 256 KiB on every other route still', async () => {
      const res = await t.call('POST', '/v1/tenants', { token: await t.token(PLATFORM_ADMIN), body: { id: 'big', name: 'x'.repeat(MAX_BODY_BYTES) } });
      await expectError(res, 413, 'PAYLOAD_TOO_LARGE');
    });
  });
});

describe('pruneMetrics (retention)', () => {
  beforeEach(clear);

  it('deletes minutes, buckets, batches, receipts and failures older than the retention and keeps the rest', async () => {
    const now = new Date();
    const old = minutesAgo(3 * 24 * 60 + 1, now.getTime());
    const recent = minutesAgo(3 * 24 * 60 - 5, now.getTime());
    await ingest(
      t,
      batch({
        series: [series({ minute: old, status: 'MISS', totalMs: [40], originMs: [30] }), series({ minute: recent, status: 'HIT', totalMs: [1] })],
        purges: [
          { purgeId: 'old', tenant: 'acme', tags: ['*'], duplicate: false, appliedAt: new Date(old).toISOString() },
          { purgeId: 'new', tenant: 'acme', tags: ['*'], duplicate: false, appliedAt: new Date(recent).toISOString() },
        ],
        purgeFailures: [{ tenant: 'acme', count: 1 }],
        sentAt: new Date(old),
      }),
    );
    const { counts } = await pruneMetrics(t.db, 3, now);
    expect(counts).toEqual({ minutes: 1, buckets: 2, batches: 0, receipts: 1, failures: 1, alertNotifications: 0, outboxReports: 0 });
    const s = await stored();
    expect(s.minutes.map((r) => r.minute)).toEqual([new Date(recent)]);
    expect(s.buckets.map((b) => b.minute)).toEqual([new Date(recent)]);
    expect(s.receipts.map((r) => r.purgeId)).toEqual(['new']);
    expect(s.failures).toEqual([]);
    // Batch ids go by receipt time: ten days on, even this batch's id is forgotten.
    expect((await pruneMetrics(t.db, 3, new Date(now.getTime() + 10 * 86_400_000))).counts.batches).toBe(1);
  });
});
