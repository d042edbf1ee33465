import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safelistedOperations } from '@conductor/schema/cache';
import {
  AcceptTtlResultSchema,
  TtlRecommendationsSchema,
  type AcceptTtlResult,
  type SafelistEntry,
  type TtlRecommendation,
  type TtlRecommendations,
} from '@conductor/schema/contracts/cache-admin';
import type { EdgeConfig } from '@conductor/schema/contracts/edge-config';
import type { CacheStatus } from '@conductor/schema/contracts/metrics';
import { edgeMetricMinutes, purgeReceipts } from '@conductor/schema/metrics';
import { verifyAuditChain } from '../../audit/verify.ts';
import { seedDemo } from '../../seed/demo.ts';
import { EDGE_CONFIG_READER, PLATFORM_ADMIN, startTestApp, tenantAdmin, type TestApp } from '../../testing/app.ts';
import { expectError } from '../../testing/api-error.ts';
import { auditTrail } from '../testing.ts';

// Synthetic edge metrics for one hour, shaped like the worked example of docs/ttl-tuning.md:
// EntityById (TTL 60 s) served 10 000 cacheable requests with 75% hits, and its entries were
// purged 6 times in the hour (μ = 1/600 per key) → the rule recommends 300 s.
const FROM = '2026-11-01T00:00:00.000Z';
const TO = '2026-11-01T01:00:00.000Z';
const WINDOW = `from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}`;
const at = (minutes: number) => new Date(Date.parse(FROM) + minutes * 60_000);
const ENTITY_V2 = 'query EntityById($id: ID!) { entity(id: $id) { id name kind } }';

let t: TestApp;
let admin: string;
let v1: string;
let v2: string;
let entities: string;

function metric(minute: Date, opId: string, opName: string, status: CacheStatus, requests: number, tenantId = 'acme') {
  return { minute, tenantId, opId, opName, status, requests, bytes: requests * 100, totalSumMs: requests, originCount: 0, originSumMs: 0 };
}

beforeAll(async () => {
  t = await startTestApp();
  await seedDemo(t.db);
  admin = await t.token(PLATFORM_ADMIN);
  const created = await t.call('POST', '/v1/safelist', { token: admin, body: { document: ENTITY_V2, ttlSeconds: 60 } });
  v2 = ((await created.json()) as SafelistEntry).id;
  const ops = (await (await t.call('GET', '/v1/safelist', { token: admin })).json()) as { operations: SafelistEntry[] };
  v1 = ops.operations.find((o) => o.name === 'EntityById' && o.id !== v2)!.id;
  entities = ops.operations.find((o) => o.name === 'Entities')!.id;
  // Published long before the window, so the whole window was served under the current TTLs.
  await t.db.update(safelistedOperations).set({ updatedAt: new Date('2026-10-01T00:00:00Z') });

  await t.db.insert(edgeMetricMinutes).values([
    metric(at(0), v1, 'EntityById', 'HIT', 5_000),
    metric(at(1), v1, 'EntityById', 'HIT', 1_000),
    metric(at(1), v1, 'EntityById', 'MISS', 2_000),
    metric(at(30), v2, 'EntityById', 'HIT', 1_000),
    metric(at(30), v2, 'EntityById', 'STALE', 250),
    metric(at(30), v2, 'EntityById', 'COALESCED', 250),
    metric(at(30), v2, 'EntityById', 'MISS', 500),
    // Not cacheable traffic, and traffic outside [from, to): all ignored.
    metric(at(2), v1, 'EntityById', 'BYPASS', 5_000),
    metric(at(-1), v1, 'EntityById', 'HIT', 100_000),
    metric(at(60), v1, 'EntityById', 'MISS', 100_000),
    // Too little data for Entities.
    metric(at(5), entities, 'Entities', 'HIT', 200),
    metric(at(5), entities, 'Entities', 'MISS', 300),
  ]);
  await t.db.insert(purgeReceipts).values([
    // Six purges of the whole operation (one through both versions' tags) in the hour.
    ...[5, 15, 25, 35, 45].map((m) => ({ purgeId: `p-${m}`, tenantId: 'acme', tags: [`op:${v1}`], duplicate: false, appliedAt: at(m) })),
    { purgeId: 'p-55', tenantId: 'acme', tags: [`op:${v1}`, `op:${v2}`], duplicate: false, appliedAt: at(55) },
    // A duplicate bumped nothing; one outside the window does not count.
    { purgeId: 'p-dup', tenantId: 'acme', tags: ['*'], duplicate: true, appliedAt: at(50) },
    { purgeId: 'p-late', tenantId: 'acme', tags: ['*'], duplicate: false, appliedAt: at(61) },
  ]);
});
afterAll(() => t.close());

async function recommendations(query = WINDOW, token = admin): Promise<TtlRecommendations> {
  const res = await t.call('GET', `/v1/cache/ttl-recommendations?${query}`, { token });
  expect(res.status).toBe(200);
  // Parsed with the published contract: what the admin UI and clients rely on.
  return TtlRecommendationsSchema.parse(await res.json());
}
const byName = (r: TtlRecommendations, name: string): TtlRecommendation => r.operations.find((o) => o.name === name)!;
const accept = (name: string, body: unknown, query = WINDOW, token = admin) =>
  t.call('POST', `/v1/cache/ttl-recommendations/${name}/accept?${query}`, { token, body });

async function ttlsOf(name: string): Promise<number[]> {
  const rows = await t.db.select().from(safelistedOperations).where(eq(safelistedOperations.name, name));
  return rows.map((r) => r.ttlSeconds);
}

describe('GET /v1/cache/ttl-recommendations', () => {
  it('recommends per query name from the window’s metrics, with the inputs and the expected hit ratios', async () => {
    const r = await recommendations();
    expect(r).toMatchObject({ from: FROM, to: TO, rule: { minTtlSeconds: 5, maxTtlSeconds: 86_400, minRequests: 1_000, targetFraction: 0.95 } });
    expect(r.operations.map((o) => o.name)).toEqual(['Documents', 'Entities', 'EntityById', 'Relationships']);
    // Raw documents are deliberately never cached (TTL 0): listed, but no TTL is proposed for them.
    expect(byName(r, 'Documents')).toMatchObject({ currentTtlSeconds: 0, recommendedTtlSeconds: null });

    const e = byName(r, 'EntityById');
    expect(e).toMatchObject({
      versions: [v1, v2].sort(),
      currentTtlSeconds: 60,
      recommendedTtlSeconds: 300,
      coveredByInvalidationMap: true,
      inputs: { observedFrom: FROM, windowSeconds: 3_600, requests: 10_000, hits: 7_500, invalidations: 6 },
    });
    expect(e.hitRatio.observed).toBe(0.75);
    expect(e.hitRatio.predictedAtCurrent).toBeCloseTo(0.75, 9);
    expect(e.hitRatio.predictedAtRecommended).toBeCloseTo(0.9253960684314931, 9);
    expect(e.hitRatio.attainable).toBeCloseTo(0.9692544157393972, 9);
    expect(e.inputs.mu).toBeCloseTo(1 / 600, 12);
    expect(e.inputs.lambdaPerKey).toBeCloseTo(0.05254165972387525, 9);
    expect(e.inputs.requestRate).toBeCloseTo(10_000 / 3_600, 9);
    expect(e.reason).toMatch(/^change 60 s → 300 s/);

    expect(byName(r, 'Entities')).toMatchObject({ recommendedTtlSeconds: null, inputs: { requests: 500, hits: 200 } });
    expect(byName(r, 'Entities').reason).toContain('too little data: 500 cacheable requests');
    expect(byName(r, 'Relationships')).toMatchObject({ recommendedTtlSeconds: null, hitRatio: { observed: null } });
  });

  it('defaults to the last 24 hours and validates the window', async () => {
    const r = await recommendations('');
    expect(Date.parse(r.to) - Date.parse(r.from)).toBe(24 * 3_600_000);
    await expectError(await t.call('GET', `/v1/cache/ttl-recommendations?from=${encodeURIComponent(TO)}&to=${encodeURIComponent(FROM)}`, { token: admin }), 400, 'VALIDATION_FAILED');
    await expectError(await t.call('GET', '/v1/cache/ttl-recommendations?from=yesterday', { token: admin }), 400, 'VALIDATION_FAILED');
    await expectError(await t.call('GET', `/v1/cache/ttl-recommendations?from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z`, { token: admin }), 400, 'VALIDATION_FAILED');
  });

  it('is for platform operators and metrics readers only', async () => {
    await expectError(await t.call('GET', '/v1/cache/ttl-recommendations', { token: await t.token(tenantAdmin('acme')) }), 403, 'FORBIDDEN');
    await expectError(await t.call('GET', '/v1/cache/ttl-recommendations'), 401, 'UNAUTHENTICATED');
    await recommendations(WINDOW, await t.token({ tenant: 'conductor', sub: 'service:grafana', scopes: ['metrics.read'] }));
  });
});

describe('POST /v1/cache/ttl-recommendations/{opName}/accept', () => {
  it('refuses anything but the current recommendation, and bad input, writing nothing', async () => {
    const trail = await auditTrail(t.db);
    const message = await expectError(await accept('EntityById', { ttlSeconds: 600 }), 409, 'CONFLICT');
    expect(message).toContain('is 300 s, not 600 s');
    // The recommendation depends on the window: over a window with no traffic there is none.
    await expectError(await accept('EntityById', { ttlSeconds: 300 }, 'from=2026-10-15T00:00:00Z&to=2026-10-16T00:00:00Z'), 409, 'CONFLICT');
    expect(await expectError(await accept('Entities', { ttlSeconds: 30 * 2 }), 409, 'CONFLICT')).toContain('too little data');
    await expectError(await accept('UpdateEntity', { ttlSeconds: 5 }), 409, 'CONFLICT');
    expect(await expectError(await accept('NoSuchOp', { ttlSeconds: 300 }), 404, 'UNKNOWN_OPERATION')).toContain('NoSuchOp');
    for (const body of [{}, { ttlSeconds: -1 }, { ttlSeconds: '300' }, { ttlSeconds: 300.5 }, { ttlSeconds: 300, name: 'x' }]) {
      await expectError(await accept('EntityById', body), 400, 'VALIDATION_FAILED');
    }
    await expectError(await t.call('POST', `/v1/cache/ttl-recommendations/EntityById/accept?${WINDOW}`, { token: admin, body: '{"ttlSeconds":' }), 400, 'BAD_JSON');
    await expectError(await accept('not-a-name', { ttlSeconds: 300 }), 400, 'VALIDATION_FAILED');
    await expectError(await accept('EntityById', { ttlSeconds: 300 }, `from=${encodeURIComponent(TO)}&to=${encodeURIComponent(FROM)}`), 400, 'VALIDATION_FAILED');
    await expectError(await accept('EntityById', { ttlSeconds: 300 }, WINDOW, await t.token(tenantAdmin('acme'))), 403, 'FORBIDDEN');
    await expectError(await accept('EntityById', { ttlSeconds: 300 }, WINDOW, await t.token({ ...PLATFORM_ADMIN, scopes: ['metrics.read'] })), 403, 'FORBIDDEN');
    expect(await ttlsOf('EntityById')).toEqual([60, 60]);
    expect(await auditTrail(t.db)).toEqual(trail);
  });

  it('applies the recommendation to every version in one audited write, visible in the edge config', async () => {
    const edge = await t.token(EDGE_CONFIG_READER);
    const before = (await (await t.call('GET', '/v1/edge/config', { token: edge })).json()) as EdgeConfig;
    const trail = (await auditTrail(t.db)).length;

    const res = await accept('EntityById', { ttlSeconds: 300 });
    expect(res.status).toBe(200);
    const result: AcceptTtlResult = AcceptTtlResultSchema.parse(await res.json());
    expect(result).toMatchObject({ name: 'EntityById', ttlSeconds: 300, updated: [v1, v2].sort(), recommendation: { recommendedTtlSeconds: 300 } });
    expect(await ttlsOf('EntityById')).toEqual([300, 300]);

    const after = (await (await t.call('GET', '/v1/edge/config', { token: edge })).json()) as EdgeConfig;
    expect(after.version).not.toBe(before.version);
    expect(after.safelist.filter((o) => o.name === 'EntityById').map((o) => o.ttlSeconds)).toEqual([300, 300]);

    const written = (await auditTrail(t.db)).slice(trail);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({
      actor: 'user:root',
      tenantId: null,
      action: 'cache.ttl.accept',
      target: 'operation:EntityById',
      payload: { before: { ttlSeconds: 60 }, after: { ttlSeconds: 300 }, versions: [v1, v2].sort(), window: { from: FROM, to: TO } },
    });
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true });

    // A retry changes nothing and records nothing.
    const again = await accept('EntityById', { ttlSeconds: 300 });
    expect(again.status).toBe(200);
    expect(((await again.json()) as AcceptTtlResult).updated).toEqual([]);
    expect(await auditTrail(t.db)).toHaveLength(trail + 1);

    // Traffic of the window was served under the old TTL: no recommendation from it any more.
    const now = byName(await recommendations(), 'EntityById');
    expect(now).toMatchObject({ currentTtlSeconds: 300, recommendedTtlSeconds: null, inputs: { requests: 0, windowSeconds: 0, requestRate: 0 } });
    expect(now.reason).toContain("the operation's last change");
  });

  it('rolls the TTL change back when the audit write fails', async () => {
    await t.db.execute(sql`update safelisted_operations set ttl_seconds = 60, updated_at = '2026-10-01T00:00:00Z' where name = 'EntityById'`);
    // Sabotage the audit chain's insert for this one call: the TTL must not change without its record.
    await t.db.execute(sql`alter table audit_log add constraint no_ttl_accept check (action <> 'cache.ttl.accept') not valid`);
    try {
      const res = await accept('EntityById', { ttlSeconds: 300 });
      expect(res.status).toBe(500);
      expect(await ttlsOf('EntityById')).toEqual([60, 60]);
    } finally {
      await t.db.execute(sql`alter table audit_log drop constraint no_ttl_accept`);
    }
  });
});
