import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogOps, catalogServices, whatifBacktests } from '@conductor/schema/catalog';
import type { Service, ServiceOp, SweepPoint } from '@conductor/schema/contracts/catalog';
import { bucketIndex, bucketValue } from '@conductor/schema/contracts/latency-histogram';
import { edgeLatencyBuckets, edgeMetricMinutes } from '@conductor/schema/metrics';
import { auditTrail } from '../cache/testing.ts';
import { expectError } from '../testing/api-error.ts';
import { seedDemo } from '../seed/demo.ts';
import { PLATFORM_ADMIN, startTestApp, tenantAdmin, tenantReader, type TestApp } from '../testing/app.ts';
import { DEFAULT_HIT_LATENCY_MS } from './observed.ts';
import { safelistedIdsByName } from './queries.ts';
import type { WhatIfAnswer } from './whatif.ts';

let t: TestApp;
let platform: string;
let acme: string;
let reader: string;

beforeAll(async () => {
  t = await startTestApp();
  await seedDemo(t.db);
  platform = await t.token(PLATFORM_ADMIN);
  acme = await t.token(tenantAdmin('acme'));
  reader = await t.token(tenantReader('acme'));
});
afterAll(() => t.close());

const OP = {
  name: 'Search',
  service: 'entity-api',
  p95TargetMs: 150,
  p99TargetMs: 300,
  unitCostUSD: '0.00125',
  slo: { objective: '99.9%', windowDays: 28 },
  fallback: { serviceTimeMeanMs: 25, serviceTimeScv: 1, arrivalRatePerSecond: 12 },
};

describe('catalog reads', () => {
  it('lists services and ops for any admin, money as exact strings', async () => {
    const services = (await (await t.call('GET', '/v1/catalog/services', { token: reader })).json()) as { services: Service[] };
    expect(services.services.map((s) => s.name)).toEqual(['entity-api', 'entity-store', 'relationship-api']);
    expect(services.services[0]).toMatchObject({ lifecycle: 'production', dependsOn: ['entity-store'], pricing: { model: 'instance', instanceHourMicros: '48000', instances: 2 } });
    const op = (await (await t.call('GET', '/v1/catalog/ops/entity-by-id', { token: reader })).json()) as ServiceOp;
    expect(op).toMatchObject({ unitCostMicros: '12', unitCostUSD: '0.000012', slo: { objectivePpm: 999000, objective: '99.9%', windowDays: 28 }, safelistedOperation: 'EntityById' });
    const ofService = (await (await t.call('GET', '/v1/catalog/ops?service=relationship-api', { token: reader })).json()) as { ops: ServiceOp[] };
    expect(ofService.ops.map((o) => o.id)).toEqual(['link-entities', 'relationships']);
  });

  it('needs a token, and answers 404 for what is not there', async () => {
    await expectError(await t.call('GET', '/v1/catalog/ops'), 401, 'UNAUTHENTICATED');
    await expectError(await t.call('GET', '/v1/catalog/ops/nope', { token: reader }), 404, 'NOT_FOUND');
    await expectError(await t.call('GET', '/v1/catalog/services/nope', { token: reader }), 404, 'NOT_FOUND');
  });
});

describe('catalog writes', () => {
  it('are platform writes: a tenant admin is refused and nothing is written', async () => {
    const before = await auditTrail(t.db);
    const message = await expectError(await t.call('PUT', '/v1/catalog/ops/search', { token: acme, body: OP }), 403, 'FORBIDDEN');
    expect(message).toContain('platform-admin');
    await expectError(await t.call('PUT', '/v1/catalog/ops/search', { token: reader, body: OP }), 403, 'FORBIDDEN');
    expect(await t.db.select().from(catalogOps).where(eq(catalogOps.id, 'search'))).toEqual([]);
    expect(await auditTrail(t.db)).toEqual(before);
  });

  it('upserts an op exactly and audits it; the same PUT again changes nothing', async () => {
    const res = await t.call('PUT', '/v1/catalog/ops/search', { token: platform, body: OP });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: 'search', unitCostMicros: '1250', unitCostUSD: '0.00125', slo: { objectivePpm: 999000 } });
    expect((await auditTrail(t.db)).at(-1)).toMatchObject({ actor: 'user:root', tenantId: null, action: 'catalog.op.put', target: 'catalog-op:search' });
    const before = await auditTrail(t.db);
    expect((await t.call('PUT', '/v1/catalog/ops/search', { token: platform, body: { ...OP, unitCostUSD: undefined, unitCostMicros: '1250' } })).status).toBe(200);
    expect(await auditTrail(t.db)).toEqual(before);
  });

  it('rejects bad input precisely, writing nothing', async () => {
    const before = await auditTrail(t.db);
    const put = (body: unknown) => t.call('PUT', '/v1/catalog/ops/bad-op', { token: platform, body });
    expect(await expectError(await put({ ...OP, unitCostMicros: 5 }), 400, 'VALIDATION_FAILED')).toContain('json.unitCostMicros: give exactly one of unitCostMicros, unitCostUSD');
    expect(await expectError(await put({ ...OP, unitCostUSD: '0.0000001' }), 400, 'VALIDATION_FAILED')).toContain('json.unitCostUSD');
    expect(await expectError(await put({ ...OP, unitCostUSD: undefined, unitCostMicros: 1.5 }), 400, 'VALIDATION_FAILED')).toContain('json.unitCostMicros');
    expect(await expectError(await put({ ...OP, p99TargetMs: 10 }), 400, 'VALIDATION_FAILED')).toContain('json.p99TargetMs');
    expect(await expectError(await put({ ...OP, service: 'ghost' }), 400, 'UNKNOWN_SERVICE')).toContain('"ghost"');
    expect(await expectError(await put({ ...OP, safelistedOperation: 'Ghost' }), 400, 'UNKNOWN_OPERATION')).toContain('"Ghost"');
    await expectError(await t.call('PUT', '/v1/catalog/ops/bad-op', { token: platform, body: '{"name":' }), 400, 'BAD_JSON');
    await expectError(await t.call('PUT', '/v1/catalog/ops/Bad_Id', { token: platform, body: OP }), 400, 'VALIDATION_FAILED');
    expect(await t.db.select().from(catalogOps).where(eq(catalogOps.id, 'bad-op'))).toEqual([]);
    expect(await auditTrail(t.db)).toEqual(before);
  });

  it('upserts a service, checking what it depends on', async () => {
    const body = { owner: 'team-x', system: 'knowledge-graph', lifecycle: 'experimental', dependsOn: ['entity-store'], pricing: { model: 'request', perRequestMicros: '1', gbSecondMicros: 17, memoryMb: 256 } };
    const res = await t.call('PUT', '/v1/catalog/services/search-api', { token: platform, body });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: 'search-api', pricing: { model: 'request', perRequestMicros: '1', gbSecondMicros: '17', memoryMb: 256 } });
    await expectError(await t.call('PUT', '/v1/catalog/services/other', { token: platform, body: { ...body, dependsOn: ['ghost'] } }), 400, 'UNKNOWN_SERVICE');
    await expectError(await t.call('PUT', '/v1/catalog/services/other', { token: platform, body: { ...body, pricing: { model: 'request', perRequestMicros: 1 } } }), 400, 'VALIDATION_FAILED');
    expect(await t.db.select().from(catalogServices).where(eq(catalogServices.name, 'other'))).toEqual([]);
  });
});

describe('GET /v1/catalog/export', () => {
  it('exports JSON and CSV with one row per op', async () => {
    const json = (await (await t.call('GET', '/v1/catalog/export', { token: reader })).json()) as { services: Service[]; ops: ServiceOp[] };
    const res = await t.call('GET', '/v1/catalog/export?format=csv', { token: reader });
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await res.text()).trimEnd().split('\r\n');
    expect(lines[0]!.split(',').slice(0, 3)).toEqual(['op_id', 'op_name', 'service']);
    expect(lines).toHaveLength(json.ops.length + 1);
    expect(lines).toContain('entity-by-id,Entity by id,entity-api,team-graph,knowledge-graph,production,instance,EntityById,120,250,12,0.000012,999000,28,32,0.25,40');
    await expectError(await t.call('GET', '/v1/catalog/export?format=xml', { token: reader }), 400, 'VALIDATION_FAILED');
  });
});

describe('what-if', () => {
  const AT = '2026-01-01T12:00:00.000Z';
  const whatif = (body: unknown, token = platform, query = '') => t.call('POST', `/v1/catalog/whatif${query}`, { token, body });

  it('uses catalog values while there are no metrics, and says so', async () => {
    const answer = (await (await whatif({ opId: 'entity-by-id', at: AT })).json()) as WhatIfAnswer;
    expect(answer.inputs).toMatchObject({
      arrivalRatePerSecond: { value: 40, source: 'catalog' },
      hitRatio: { value: 0, source: 'default' },
      hitLatencyMs: { value: DEFAULT_HIT_LATENCY_MS, source: 'default' },
      serviceTimeMeanMs: { value: 32, source: 'catalog' },
      serviceTimeScv: { value: 0.25, source: 'catalog' },
      instances: { value: 2, source: 'catalog' },
      perInstanceConcurrency: { value: 8, source: 'catalog' },
      burstiness: { value: 1, source: 'default' },
    });
    expect(answer.observed).toMatchObject({ requests: 0, tenant: null, window: { to: AT, minutes: 60 } });
    expect(answer.result).toMatchObject({ saturated: false, lambda: 40, servers: 16, cost: { perHourMicros: '96000' } });
  });

  it("reads the op's edge metrics: arrival rate, hit ratio and origin service time", async () => {
    const [docId] = await safelistedIdsByName(t.db, 'EntityById');
    const minute = new Date('2026-01-01T11:30:00.000Z');
    const row = { minute, tenantId: 'acme', opId: docId!, opName: 'EntityById', bytes: 0, totalSumMs: 0, originCount: 0, originSumMs: 0 };
    await t.db.insert(edgeMetricMinutes).values([
      { ...row, status: 'HIT', requests: 5400, totalSumMs: 5400 * 2 },
      { ...row, status: 'STALE', requests: 600, totalSumMs: 600 * 8 },
      { ...row, status: 'MISS', requests: 1200, originCount: 1200 },
      // Outside the window: ignored.
      { ...row, minute: new Date('2026-01-01T10:00:00.000Z'), status: 'MISS', requests: 99_999 },
      // Another tenant: counted platform-wide, not for acme alone.
      { ...row, tenantId: 'globex', status: 'MISS', requests: 3600 },
    ]);
    const bucket = { minute, tenantId: 'acme', opId: docId!, status: 'MISS' as const, series: 'origin' as const };
    await t.db.insert(edgeLatencyBuckets).values([
      { ...bucket, bucket: bucketIndex(20), count: 600 },
      { ...bucket, bucket: bucketIndex(60), count: 600 },
      // The total series is not service time.
      { ...bucket, series: 'total', bucket: bucketIndex(500), count: 600 },
    ]);

    const acmeOnly = (await (await whatif({ opId: 'entity-by-id', at: AT, tenant: 'acme' })).json()) as WhatIfAnswer;
    const [x, y] = [bucketValue(bucketIndex(20)), bucketValue(bucketIndex(60))];
    expect(acmeOnly.inputs.arrivalRatePerSecond).toEqual({ value: 7200 / 3600, source: 'observed' });
    expect(acmeOnly.inputs.hitRatio).toEqual({ value: 6000 / 7200, source: 'observed' });
    // Mean edge latency of the cache-answered requests: (5400 × 2 + 600 × 8) / 6000 ms.
    expect(acmeOnly.inputs.hitLatencyMs).toEqual({ value: 2.6, source: 'observed' });
    // Five in six requests are hits, so the median request is one: p50 is the hit latency, not 0.
    expect((acmeOnly.result as { latencyMs: { p50: number } }).latencyMs.p50).toBeCloseTo(2.6, 6);
    expect(acmeOnly.inputs.serviceTimeMeanMs.source).toBe('observed');
    expect(acmeOnly.inputs.serviceTimeMeanMs.value).toBeCloseTo((x + y) / 2, 9);
    expect(acmeOnly.inputs.serviceTimeScv.value).toBeCloseTo(((y - x) / (y + x)) ** 2, 9);
    expect(acmeOnly.observed).toMatchObject({ tenant: 'acme', requests: 7200, originSamples: 1200, opIds: [docId] });

    const everyone = (await (await whatif({ opId: 'entity-by-id', at: AT })).json()) as WhatIfAnswer;
    expect(everyone.inputs.arrivalRatePerSecond.value).toBe(10_800 / 3600);

    const overridden = (await (await whatif({ opId: 'entity-by-id', at: AT, tenant: 'acme', overrides: { arrivalFactor: 3, hitRatio: 0.5, instances: 4 } })).json()) as WhatIfAnswer;
    expect(overridden.inputs).toMatchObject({ arrivalRatePerSecond: { value: 6, source: 'override' }, hitRatio: { value: 0.5, source: 'override' }, instances: { value: 4, source: 'override' } });
    expect(overridden.result).toMatchObject({ lambda: 6, originLambda: 3, servers: 32 });
  });

  it('answers one CSV row, and simulates on request (seeded, so repeatable)', async () => {
    const res = await whatif({ opId: 'entity-by-id', at: AT }, platform, '?format=csv');
    const [header, row, ...rest] = (await res.text()).trimEnd().split('\r\n');
    expect(rest).toEqual([]);
    expect(header!.split(',').slice(0, 4)).toEqual(['op_id', 'mode', 'arrivalRatePerSecond', 'arrivalRatePerSecond_source']);
    expect(row!.startsWith('entity-by-id,analytic,')).toBe(true);
    const body = { opId: 'entity-by-id', at: AT, mode: 'simulate', simulation: { customers: 5_000, seed: 7 } };
    const a = (await (await whatif(body)).json()) as WhatIfAnswer;
    const b = (await (await whatif(body)).json()) as WhatIfAnswer;
    expect(a.result).toMatchObject({ model: 'simulation', seed: 7 });
    expect(a.result).toEqual(b.result);
    expect(a.analytic).toMatchObject({ model: expect.any(String) });
  });

  it('authorizes by the traffic it reads, and validates input', async () => {
    await expectError(await whatif({ opId: 'entity-by-id' }, acme), 403, 'FORBIDDEN');
    await expectError(await whatif({ opId: 'entity-by-id', tenant: 'globex' }, acme), 403, 'FORBIDDEN');
    expect((await whatif({ opId: 'entity-by-id', tenant: 'acme' }, reader)).status).toBe(200);
    await expectError(await whatif({ opId: 'nope' }), 404, 'NOT_FOUND');
    await expectError(await whatif({ opId: 'entity-by-id', overrides: { arrivalFactor: 2, arrivalRatePerSecond: 3 } }), 400, 'VALIDATION_FAILED');
    await expectError(await whatif({ opId: 'entity-by-id', overrides: { hitRatio: 1.5 } }), 400, 'VALIDATION_FAILED');
    await expectError(await whatif({ opId: 'entity-by-id', overrides: { arrivalRatePerSecond: -1 } }), 400, 'VALIDATION_FAILED');
    await expectError(await whatif({ opId: 'entity-by-id', overrides: { instances: 0 } }), 400, 'VALIDATION_FAILED');
    await expectError(await whatif({ opId: 'entity-by-id', overrides: { perInstanceConcurrency: 0 } }), 400, 'VALIDATION_FAILED');
    await expectError(await whatif({ opId: 'entity-by-id', overrides: { serviceTimeMeanMs: -5 } }), 400, 'VALIDATION_FAILED');
  });

  it('answers saturation (ρ ≥ 1) as a result with no latencies, not an error or NaN', async () => {
    const res = await whatif({ opId: 'entity-by-id', overrides: { arrivalRatePerSecond: 100_000 } });
    expect(res.status).toBe(200);
    const { result } = (await res.json()) as { result: Record<string, unknown> };
    expect(result).toMatchObject({ saturated: true });
    expect(result.rho as number).toBeGreaterThanOrEqual(1);
    expect(result.minServersForStability as number).toBeGreaterThan(16);
    expect(result.reason).toEqual(expect.any(String));
    expect(result).not.toHaveProperty('latencyMs');
  });

  it('sweeps load factors for the chart: latency rises with load, saturated points have none', async () => {
    const res = await t.call('POST', '/v1/catalog/whatif/sweep', { token: platform, body: { opId: 'entity-by-id', at: '2025-01-01T00:00:00Z', loadFactors: [0.5, 1, 2, 3, 4] } });
    expect(res.status).toBe(200);
    const { points } = (await res.json()) as { points: SweepPoint[] };
    // Catalog baseline: λ = 40/s, 16 servers of 32 ms → saturates at 500/s.
    expect(points.map((p) => p.lambda)).toEqual([20, 40, 80, 120, 160]);
    const stable = points.filter((p) => !p.saturated);
    for (let i = 1; i < stable.length; i++) expect(stable[i]!.p95Ms!).toBeGreaterThanOrEqual(stable[i - 1]!.p95Ms!);
    expect(points.every((p) => p.costPerHourMicros === '96000')).toBe(true);
    const saturated = (await (await t.call('POST', '/v1/catalog/whatif/sweep', { token: platform, body: { opId: 'entity-by-id', at: '2025-01-01T00:00:00Z', loadFactors: [20] } })).json()) as { points: SweepPoint[] };
    expect(saturated.points[0]).toMatchObject({ saturated: true, p95Ms: null, p99Ms: null, sloMet: false });
    // Far load factors are allowed (an origin with headroom saturates only there), within a bound.
    const far = (await (await t.call('POST', '/v1/catalog/whatif/sweep', { token: platform, body: { opId: 'entity-by-id', at: '2025-01-01T00:00:00Z', loadFactors: [5_000] } })).json()) as { points: SweepPoint[] };
    expect(far.points[0]).toMatchObject({ lambda: 200_000, saturated: true });
    await expectError(await t.call('POST', '/v1/catalog/whatif/sweep', { token: platform, body: { opId: 'entity-by-id', loadFactors: [1_000_001] } }), 400, 'VALIDATION_FAILED');
    const csv = await (await t.call('POST', '/v1/catalog/whatif/sweep?format=csv', { token: platform, body: { opId: 'entity-by-id', loadFactors: [1, 2] } })).text();
    expect(csv.trimEnd().split('\r\n')).toHaveLength(3);
  });
});

describe('backtests', () => {
  const report = (runAt: string, error: number) => ({
    runAt,
    rows: [
      { op: 'entity-by-id', level: 'low', lambda: 20, rho: 0.04, observedP95Ms: 100, observedP99Ms: 200, predictedP95Ms: 100 + error, predictedP99Ms: 200, errorP95Pct: error, errorP99Pct: 0 },
      { op: 'Relationships', level: 'low', lambda: 20, rho: 0.1, observedP95Ms: 50, observedP99Ms: 80, predictedP95Ms: 45, predictedP99Ms: 84, errorP95Pct: -10, errorP99Pct: 5 },
    ],
  });

  it('stores a report (platform write, audited) and answers the latest per op', async () => {
    await expectError(await t.call('POST', '/v1/catalog/backtests', { token: acme, body: report('2026-01-01T00:00:00Z', 4) }), 403, 'FORBIDDEN');
    const first = await t.call('POST', '/v1/catalog/backtests', { token: platform, body: report('2026-01-01T00:00:00Z', 4) });
    expect(first.status).toBe(201);
    expect((await auditTrail(t.db)).at(-1)).toMatchObject({ action: 'catalog.backtest.create', payload: { ops: ['entity-by-id', 'relationships'], rows: 2 } });
    expect((await t.call('POST', '/v1/catalog/backtests', { token: platform, body: report('2026-02-01T00:00:00Z', -7) })).status).toBe(201);
    const latest = (await (await t.call('GET', '/v1/catalog/backtests/latest', { token: reader })).json()) as { ops: { opId: string; runAt: string; maxAbsErrorP95Pct: number; rows: unknown[] }[] };
    expect(latest.ops.map((o) => [o.opId, o.runAt, o.maxAbsErrorP95Pct])).toEqual([
      ['entity-by-id', '2026-02-01T00:00:00.000Z', 7],
      ['relationships', '2026-02-01T00:00:00.000Z', 10],
    ]);
  });

  it('rejects unknown ops and malformed reports whole', async () => {
    const before = (await t.db.select().from(whatifBacktests)).length;
    const bad = report('2026-03-01T00:00:00Z', 1);
    bad.rows[1]!.op = 'Ghost';
    expect(await expectError(await t.call('POST', '/v1/catalog/backtests', { token: platform, body: bad }), 400, 'UNKNOWN_OPERATION')).toContain('"Ghost"');
    await expectError(await t.call('POST', '/v1/catalog/backtests', { token: platform, body: { runAt: 'yesterday', rows: [] } }), 400, 'VALIDATION_FAILED');
    expect(await t.db.select().from(whatifBacktests)).toHaveLength(before);
  });
});

describe('OpenAPI', () => {
  it('documents every catalog route with its request body', async () => {
    const doc = (await (await t.call('GET', '/openapi.json')).json()) as { paths: Record<string, Record<string, { requestBody?: unknown; security?: unknown }>> };
    const expected: [string, string][] = [
      ['/v1/catalog/services', 'get'],
      ['/v1/catalog/services/{name}', 'put'],
      ['/v1/catalog/ops', 'get'],
      ['/v1/catalog/ops/{id}', 'put'],
      ['/v1/catalog/export', 'get'],
      ['/v1/catalog/whatif', 'post'],
      ['/v1/catalog/whatif/sweep', 'post'],
      ['/v1/catalog/backtests', 'post'],
      ['/v1/catalog/backtests/latest', 'get'],
    ];
    for (const [path, method] of expected) {
      const op = doc.paths[path]?.[method];
      expect(op, `${method} ${path}`).toBeDefined();
      expect(op!.security).toEqual([{ bearerAuth: [] }]);
      if (method !== 'get') expect(op!.requestBody, `${method} ${path} body`).toBeDefined();
    }
  });
});
