import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quantile, RELATIVE_ACCURACY } from '@conductor/schema/contracts/latency-histogram';
import type { EdgeMetricSeries } from '@conductor/schema/contracts/metrics';
import { savePurgeEvent } from '../cache/purge/queries.ts';
import { expectError } from '../testing/api-error.ts';
import { ingestBatch } from '../metrics/service.ts';
import { batch, histogramOf, ingest, minutesAgo, OP_A, OP_B, series } from '../metrics/testing.ts';
import { PLATFORM_ADMIN, startTestApp, tenantAdmin, tenantReader, type TestApp } from '../testing/app.ts';
import { upsertTenant } from '../tenants/queries.ts';
import { changeImpactReport } from './service.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  for (const id of ['acme', 'globex']) await upsertTenant(t.db, { id, name: id, strictSafelist: false });
});
afterAll(() => t.close());

/** Exact nearest-rank quantile of raw samples: what the histogram approximates within ±1%. */
function exact(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!;
}

function expectWithin(got: number | null, want: number) {
  expect(got).not.toBeNull();
  expect(Math.abs(got! - want) / want).toBeLessThanOrEqual(RELATIVE_ACCURACY + 1e-9);
}

// Deterministic latency spreads (ms), different per population so every figure is distinguishable.
const spread = (n: number, low: number, high: number) => Array.from({ length: n }, (_, i) => low + ((high - low) * ((i * 7919) % n)) / (n - 1));

async function get(path: string, token: string, headers: Record<string, string> = {}) {
  return t.call('GET', path, { token, headers });
}

describe('reports over synthetic edge batches', () => {
  // Known traffic for acme/OP_A over three minutes, sent as two batches (two edge isolates) so
  // stored rows are merged sums; globex traffic must never leak into acme's figures.
  const hitTotals = spread(800, 0.4, 6);
  const staleTotals = spread(50, 0.8, 3);
  const coalescedTotals = spread(30, 20, 45);
  const missOrigin = spread(200, 28, 140);
  const missTotals = missOrigin.map((ms) => ms + 1.5);
  const bypassOrigin = spread(20, 30, 60);
  const bypassTotals = bypassOrigin.map((ms) => ms + 2);
  const base = minutesAgo(10);

  beforeAll(async () => {
    const perMinute = (samples: number[], minuteIndex: number) => samples.filter((_, i) => i % 3 === minuteIndex);
    const isolate = (part: number): EdgeMetricSeries[] =>
      [0, 1, 2].flatMap((k) => {
        const slice = (s: number[]) => perMinute(s, k).filter((_, i) => i % 2 === part);
        const minute = base + k * 60_000;
        const origin = (s: number[]) => slice(s);
        return [
          series({ minute, status: 'HIT', totalMs: slice(hitTotals) }),
          series({ minute, status: 'STALE', totalMs: slice(staleTotals) }),
          series({ minute, status: 'COALESCED', totalMs: slice(coalescedTotals) }),
          series({ minute, status: 'MISS', totalMs: slice(missTotals), originMs: origin(missOrigin) }),
          series({ minute, status: 'BYPASS', totalMs: slice(bypassTotals), originMs: origin(bypassOrigin), opId: OP_A }),
          series({ minute, tenant: 'globex', status: 'MISS', totalMs: [900, 950], originMs: [890, 940] }),
        ];
      });
    await ingest(t, batch({ series: isolate(0) }));
    await ingest(t, batch({ series: isolate(1) }));
    // Another operation of acme, for the op filter.
    await ingest(t, batch({ series: [series({ minute: base, opId: OP_B, opName: 'ListEntities', status: 'HIT', totalMs: [1, 1, 1] })] }));
  });

  const window = () => `from=${new Date(base).toISOString()}&to=${new Date(base + 3 * 60_000).toISOString()}`;

  it('p95-delta: counts, hit ratio and every quantile match the raw latencies within the histogram accuracy', async () => {
    const res = await get(`/v1/reports/p95-delta?tenant=acme&op=${OP_A}&${window()}`, await t.token(tenantAdmin('acme')));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { rows: any[] };
    expect(body.rows).toHaveLength(1);
    const row = body.rows[0];
    expect(row).toMatchObject({ tenant: 'acme', opId: OP_A, opName: 'GetEntity', requests: 1100, statuses: { HIT: 800, STALE: 50, COALESCED: 30, MISS: 200, BYPASS: 20 } });
    expect(row.hitRatio).toBeCloseTo(880 / 1100, 12);

    const edgeServed = [...hitTotals, ...staleTotals, ...coalescedTotals];
    const origin = [...missOrigin, ...bypassOrigin];
    const served = [...edgeServed, ...missTotals, ...bypassTotals];
    for (const [name, samples] of [['edgeServed', edgeServed], ['origin', origin], ['served', served]] as const) {
      expect(row[name].count).toBe(samples.length);
      // Merging stored buckets loses nothing: the figures equal quantiles of one histogram of all samples…
      const h = histogramOf(samples);
      expect([row[name].p50Ms, row[name].p95Ms, row[name].p99Ms]).toEqual([quantile(h, 0.5), quantile(h, 0.95), quantile(h, 0.99)]);
      // …which are within 1% of the exact nearest-rank values.
      expectWithin(row[name].p50Ms, exact(samples, 0.5));
      expectWithin(row[name].p95Ms, exact(samples, 0.95));
      expectWithin(row[name].p99Ms, exact(samples, 0.99));
    }
    const exactDelta = exact(origin, 0.95) - exact(served, 0.95);
    expect(row.p95DeltaMs).toBeCloseTo(row.origin.p95Ms - row.served.p95Ms, 9);
    expect(Math.abs(row.p95DeltaMs - exactDelta)).toBeLessThanOrEqual(RELATIVE_ACCURACY * (exact(origin, 0.95) + exact(served, 0.95)));
    expect(row.p95DeltaPct).toBeCloseTo((row.p95DeltaMs / row.origin.p95Ms) * 100, 9);
  });

  it('p95-delta: an operation name covers its ids, and no op lists every operation of the tenant', async () => {
    const token = await t.token(tenantAdmin('acme'));
    const byName = (await (await get(`/v1/reports/p95-delta?tenant=acme&op=ListEntities&${window()}`, token)).json()) as { rows: any[] };
    expect(byName.rows.map((r) => [r.opId, r.requests])).toEqual([[OP_B, 3]]);
    const all = (await (await get(`/v1/reports/p95-delta?${window()}`, token)).json()) as { rows: any[] };
    expect(all.rows.map((r) => `${r.tenant}/${r.opId}`).sort()).toEqual([`acme/${OP_A}`, `acme/${OP_B}`]);
  });

  it('p95-delta: a platform admin sees every tenant, a tenant admin is refused another tenant', async () => {
    const all = (await (await get(`/v1/reports/p95-delta?op=${OP_A}&${window()}`, await t.token(PLATFORM_ADMIN))).json()) as { rows: any[] };
    expect(all.rows.map((r) => r.tenant).sort()).toEqual(['acme', 'globex']);
    expect(all.rows.find((r) => r.tenant === 'globex').requests).toBe(12);
    const res = await get(`/v1/reports/p95-delta?tenant=globex&${window()}`, await t.token(tenantAdmin('acme')));
    expect(await expectError(res, 403, 'FORBIDDEN')).toContain('globex');
    await expectError(await t.call('GET', '/v1/reports/p95-delta'), 401, 'UNAUTHENTICATED');
  });

  it('p95-delta as CSV: content type, header row and the same figures', async () => {
    const token = await t.token(tenantReader('acme'));
    for (const [path, headers] of [
      [`/v1/reports/p95-delta?tenant=acme&op=${OP_A}&${window()}&format=csv`, {}],
      [`/v1/reports/p95-delta?tenant=acme&op=${OP_A}&${window()}`, { accept: 'text/csv' }],
    ] as const) {
      const res = await get(path, token, headers);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(res.headers.get('content-disposition')).toBe('attachment; filename="p95-delta.csv"');
      const lines = (await res.text()).trimEnd().split('\r\n');
      expect(lines).toHaveLength(2);
      const header = lines[0]!.split(',');
      expect(header.slice(0, 8)).toEqual(['from', 'to', 'tenant', 'op_id', 'op_name', 'requests', 'hit', 'miss']);
      const cells = Object.fromEntries(lines[1]!.split(',').map((v, i) => [header[i], v]));
      expect(cells).toMatchObject({ tenant: 'acme', op_id: OP_A, requests: '1100', hit: '800', miss: '200', bypass: '20', stale: '50', coalesced: '30' });
      const json = (await (await get(`/v1/reports/p95-delta?tenant=acme&op=${OP_A}&${window()}`, token)).json()) as { rows: any[] };
      expect(Number(cells.served_p95_ms)).toBe(json.rows[0].served.p95Ms);
      expect(Number(cells.p95_delta_ms)).toBe(json.rows[0].p95DeltaMs);
    }
  });

  it('hit-ratio: one point per minute, or per step, with hits over requests', async () => {
    const token = await t.token(tenantAdmin('acme'));
    const perMinute = (await (await get(`/v1/reports/hit-ratio?tenant=acme&op=${OP_A}&${window()}`, token)).json()) as { series: any[] };
    expect(perMinute.series).toHaveLength(1);
    const points = perMinute.series[0].points;
    expect(points.map((p: any) => p.at)).toEqual([0, 1, 2].map((k) => new Date(base + k * 60_000).toISOString()));
    const count = (s: number[], k: number) => s.filter((_, i) => i % 3 === k).length;
    for (const k of [0, 1, 2]) {
      const hits = count(hitTotals, k) + count(staleTotals, k) + count(coalescedTotals, k);
      const requests = hits + count(missTotals, k) + count(bypassTotals, k);
      expect(points[k]).toMatchObject({ requests, hits });
      expect(points[k].hitRatio).toBeCloseTo(hits / requests, 12);
    }
    const stepped = (await (await get(`/v1/reports/hit-ratio?tenant=acme&op=${OP_A}&step=1440&${window()}`, token)).json()) as { series: any[] };
    expect(stepped.series[0].points).toHaveLength(1);
    expect(stepped.series[0].points[0]).toMatchObject({ requests: 1100, hits: 880 });

    const csv = await get(`/v1/reports/hit-ratio?tenant=acme&op=${OP_A}&${window()}&format=csv`, token);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const lines = (await csv.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe('tenant,op_id,op_name,at,requests,hits,hit_ratio');
    expect(lines).toHaveLength(4);
  });

  it.each([
    ['from not before to', `from=2026-11-26T10:00:00Z&to=2026-11-26T09:00:00Z`, 'query.from'],
    ['a window over seven days', `from=2026-11-01T00:00:00Z&to=2026-11-09T00:00:00Z`, 'maximum'],
    ['a from that is not ISO 8601', `from=yesterday`, 'query.from'],
    ['a step that would make too many points', `from=2026-11-20T00:00:00Z&to=2026-11-26T00:00:00Z&step=1`, 'query.step'],
    ['a step of zero', `step=0`, 'query.step'],
    ['an unknown format', `format=xml`, 'query.format'],
  ])('hit-ratio refuses %s with 400 VALIDATION_FAILED', async (_name, query, message) => {
    const res = await get(`/v1/reports/hit-ratio?${query}`, await t.token(tenantAdmin('acme')));
    expect(await expectError(res, 400, 'VALIDATION_FAILED')).toContain(message);
  });
});

describe('invalidations report', () => {
  it('counts receipts per tenant and per operation from their tags, tenant-wide purges as *', async () => {
    const m = minutesAgo(20);
    const appliedAt = (s: number) => new Date(m + s * 1000).toISOString();
    await ingest(
      t,
      batch({
        purges: [
          { purgeId: 'i-1', tenant: 'acme', tags: [`op:${OP_A}|id="1"`, `op:${OP_A}|id="2"`, `op:${OP_B}`], duplicate: false, appliedAt: appliedAt(1) },
          { purgeId: 'i-2', tenant: 'acme', tags: [`op:${OP_A}#abc`], duplicate: false, appliedAt: appliedAt(2) },
          { purgeId: 'i-3', tenant: 'acme', tags: ['*'], duplicate: false, appliedAt: appliedAt(3) },
          { purgeId: 'i-4', tenant: 'acme', tags: [`op:${OP_A}`], duplicate: true, appliedAt: appliedAt(4) },
          { purgeId: 'i-5', tenant: 'globex', tags: ['*'], duplicate: false, appliedAt: appliedAt(5) },
        ],
      }),
    );
    const query = `from=${new Date(m).toISOString()}&to=${new Date(m + 60_000).toISOString()}`;
    const body = (await (await get(`/v1/reports/invalidations?${query}`, await t.token(tenantAdmin('acme')))).json()) as any;
    const at = new Date(m).toISOString();
    expect(body.tenants).toEqual([{ tenant: 'acme', at, purges: 3, duplicates: 1 }]);
    expect(body.operations).toEqual(
      [
        { tenant: 'acme', opId: '*', at, purges: 1 },
        { tenant: 'acme', opId: OP_A, at, purges: 2 },
        { tenant: 'acme', opId: OP_B, at, purges: 1 },
      ].sort((a, b) => (a.opId < b.opId ? -1 : 1)),
    );
    const filtered = (await (await get(`/v1/reports/invalidations?op=${OP_B}&${query}`, await t.token(tenantAdmin('acme')))).json()) as any;
    expect(filtered.operations.map((r: any) => r.opId)).toEqual(['*', OP_B]);
    const everyone = (await (await get(`/v1/reports/invalidations?${query}`, await t.token(PLATFORM_ADMIN))).json()) as any;
    expect(everyone.tenants.map((r: any) => r.tenant)).toEqual(['acme', 'globex']);

    const csv = await (await get(`/v1/reports/invalidations?${query}&format=csv`, await t.token(tenantAdmin('acme')))).text();
    expect(csv.split('\r\n')[0]).toBe('scope,tenant,op_id,at,purges,duplicates');
    expect(csv).toContain(`tenant,acme,,${at},3,1`);
    expect(csv).toContain(`operation,acme,${OP_A},${at},2,`);
  });
});

describe('unacknowledged-purges report', () => {
  it('lists failed purges at once and unreceipted ones after the grace period, never acknowledged ones', async () => {
    const request = (purgeId: string, tenant = 'acme') => ({ purgeId, tenant, all: true as const });
    await savePurgeEvent(t.db, { purgeId: 'u-acked', tenantId: 'acme', request: request('u-acked'), receipt: null, status: 'applied', error: null, actor: 'user:a' });
    await savePurgeEvent(t.db, { purgeId: 'u-lost', tenantId: 'acme', request: request('u-lost'), receipt: null, status: 'applied', error: null, actor: 'user:a' });
    await savePurgeEvent(t.db, { purgeId: 'u-failed', tenantId: 'acme', request: request('u-failed'), receipt: null, status: 'failed', error: 'edge down', actor: 'user:a' });
    await savePurgeEvent(t.db, { purgeId: 'u-globex', tenantId: 'globex', request: request('u-globex', 'globex'), receipt: null, status: 'applied', error: null, actor: 'user:g' });
    await ingest(t, batch({ purges: [{ purgeId: 'u-acked', tenant: 'acme', tags: ['*'], duplicate: false, appliedAt: new Date().toISOString() }] }));
    const token = await t.token(tenantAdmin('acme'));

    const fresh = (await (await get('/v1/reports/unacknowledged-purges', token)).json()) as any;
    expect(fresh.purges.map((p: any) => [p.purgeId, p.reason])).toEqual([['u-failed', 'failed']]);
    expect(fresh.purges[0].error).toBe('edge down');

    const afterGrace = (await (await get('/v1/reports/unacknowledged-purges?graceSeconds=0', token)).json()) as any;
    expect(afterGrace.purges.map((p: any) => [p.purgeId, p.reason]).sort()).toEqual([
      ['u-failed', 'failed'],
      ['u-lost', 'unacknowledged'],
    ]);
    const all = (await (await get('/v1/reports/unacknowledged-purges?graceSeconds=0', await t.token(PLATFORM_ADMIN))).json()) as any;
    expect(all.purges.map((p: any) => p.purgeId).sort()).toEqual(['u-failed', 'u-globex', 'u-lost']);

    const csv = await get('/v1/reports/unacknowledged-purges?graceSeconds=0&format=csv', token);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const lines = (await csv.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe('purge_id,tenant,status,reason,created_at,age_seconds,error');
    expect(lines).toHaveLength(3);
    await expectError(await get('/v1/reports/unacknowledged-purges?graceSeconds=-1', token), 400, 'VALIDATION_FAILED');
  });
});

describe('change-impact report', () => {
  const document = 'query ImpactProbe($id: ID!) { entity(id: $id) { id name } }';

  it('compares equal windows around the latest safelist change of the operation found in the audit log', async () => {
    const created = await t.call('POST', '/v1/safelist', { token: await t.token(PLATFORM_ADMIN), body: { document, ttlSeconds: 60, scope: 'tenant' } });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const patched = await t.call('PATCH', `/v1/safelist/${encodeURIComponent(id)}`, { token: await t.token(PLATFORM_ADMIN), body: { ttlSeconds: 600 } });
    expect(patched.status).toBe(200);

    // The change happened just now; look at it from 30 minutes on, with traffic on both sides.
    const changeMinute = Math.floor(Date.now() / 60_000) * 60_000;
    const later = changeMinute + 30 * 60_000 + 1000;
    const before = [0, 1, 2].map((k) => series({ minute: changeMinute - (k + 1) * 60_000, opId: id, opName: 'ImpactProbe', status: 'MISS', totalMs: [50, 60], originMs: [45, 55] }));
    const after = [0, 1, 2].map((k) => series({ minute: changeMinute + k * 60_000, opId: id, opName: 'ImpactProbe', status: 'HIT', totalMs: [1, 2, 3] }));
    await ingestBatch(t.db, batch({ series: [...before, ...after] }), later);

    const report = await changeImpactReport(t.db, { all: false, tenants: ['acme'] }, { op: 'ImpactProbe', windowMinutes: 10, now: new Date(later) });
    expect(report.change).toMatchObject({ action: 'safelist.update', target: `safelist:${id}` });
    expect(report.opIds).toEqual([id]);
    expect(report.windowMinutes).toBe(10);
    expect(report.before).toMatchObject({ from: new Date(changeMinute - 10 * 60_000).toISOString(), to: new Date(changeMinute).toISOString(), requests: 6, hitRatio: 0 });
    expect(report.after).toMatchObject({ from: new Date(changeMinute).toISOString(), requests: 9, hitRatio: 1 });
    expect(report.delta.hitRatio).toBe(1);
    expect(report.delta.servedP95Ms).toBeCloseTo(report.after.served.p95Ms! - report.before.served.p95Ms!, 9);
    // Windows shrink to the whole minutes elapsed since the change.
    const early = await changeImpactReport(t.db, { all: false, tenants: ['acme'] }, { op: id, windowMinutes: 60, now: new Date(changeMinute + 2 * 60_000 + 5000) });
    expect(early.windowMinutes).toBe(2);
    expect(early.after.requests).toBe(6);
  });

  it('takes an explicit at, answers CSV, and refuses what it cannot compare', async () => {
    const token = await t.token(tenantAdmin('acme'));
    const at = new Date(minutesAgo(12)).toISOString();
    const res = await get(`/v1/reports/change-impact?op=${OP_A}&at=${at}&windowMinutes=5`, token);
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body).toMatchObject({ op: OP_A, at, change: null, windowMinutes: 5 });
    // acme's synthetic OP_A traffic (first describe) lies 10–8 minutes ago: inside the 5 minutes after `at`.
    expect(body.before.requests).toBe(0);
    expect(body.after.requests).toBe(1100);
    const csv = await (await get(`/v1/reports/change-impact?op=${OP_A}&at=${at}&windowMinutes=5&format=csv`, token)).text();
    expect(csv.split('\r\n')[0]!.startsWith('op,at,period,from,to,requests')).toBe(true);
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(3);

    await expectError(await get(`/v1/reports/change-impact?op=NeverChanged`, token), 404, 'NOT_FOUND');
    expect(await expectError(await get(`/v1/reports/change-impact?op=${OP_A}&at=${new Date(Date.now() + 60_000).toISOString()}`, token), 400, 'VALIDATION_FAILED')).toContain('query.at');
    await expectError(await get(`/v1/reports/change-impact?at=${at}`, token), 400, 'VALIDATION_FAILED');
    await expectError(await get(`/v1/reports/change-impact?op=${OP_A}&at=${at}&tenant=globex`, token), 403, 'FORBIDDEN');
  });
});
