import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { savePurgeEvent } from '../cache/purge/queries.ts';
import { expectError } from '../testing/api-error.ts';
import { batch, ingest, minutesAgo, series } from '../metrics/testing.ts';
import { PLATFORM_ADMIN, startTestApp, tenantAdmin, type TestApp } from '../testing/app.ts';
import { upsertTenant } from '../tenants/queries.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  for (const id of ['acme', 'globex']) await upsertTenant(t.db, { id, name: id, strictSafelist: false });
});
afterAll(() => t.close());

type Body = { evaluatedAt: string; alerts: { alertname: string; state: string; labels: Record<string, string>; values: Record<string, number>; thresholds: Record<string, number> }[] };

describe('GET /v1/alerts', () => {
  it('is empty on a quiet system', async () => {
    const body = (await (await t.call('GET', '/v1/alerts', { token: await t.token(PLATFORM_ADMIN) })).json()) as Body;
    expect(body.alerts).toEqual([]);
  });

  it('evaluates the rules over stored purges, failures and hit ratios, scoped to what the caller may read', async () => {
    // acme: one failed admin purge (backlog at once, and a failure); globex: hook failures and a hit-ratio collapse.
    await savePurgeEvent(t.db, { purgeId: 'a-1', tenantId: 'acme', request: { purgeId: 'a-1', tenant: 'acme', all: true }, receipt: null, status: 'failed', error: 'edge down', actor: 'user:a' });
    const baseline = [20, 30, 40, 50].map((k) => series({ tenant: 'globex', minute: minutesAgo(k), status: 'HIT', totalMs: Array(50).fill(1) }));
    const current = [2, 3, 4].map((k) => series({ tenant: 'globex', minute: minutesAgo(k), status: 'MISS', totalMs: Array(50).fill(40), originMs: Array(50).fill(38) }));
    await ingest(t, batch({ series: [...baseline, ...current], purgeFailures: [{ tenant: 'globex', count: 2 }] }));

    const all = (await (await t.call('GET', '/v1/alerts', { token: await t.token(PLATFORM_ADMIN) })).json()) as Body;
    expect(all.alerts.map((a) => [a.alertname, a.state, a.labels.tenant])).toEqual([
      ['ConductorHitRatioDrop', 'firing', 'globex'],
      ['ConductorPurgeFailures', 'firing', 'acme'],
      ['ConductorPurgeFailures', 'firing', 'globex'],
      ['ConductorInvalidationBacklog', 'pending', 'acme'],
    ]);
    const drop = all.alerts[0]!;
    expect(drop.labels.operation).toBe('GetEntity');
    expect(drop.values).toMatchObject({ hitRatio: 0, baselineHitRatio: 1, drop: 1, requests: 150 });
    expect(drop.thresholds).toEqual({ drop: 0.2, minRequests: 100 });
    expect(all.alerts[3]!.values).toMatchObject({ count: 1 });

    const acme = (await (await t.call('GET', '/v1/alerts', { token: await t.token(tenantAdmin('acme')) })).json()) as Body;
    expect(acme.alerts.map((a) => a.labels.tenant)).toEqual(['acme', 'acme']);
    await expectError(await t.call('GET', '/v1/alerts?tenant=globex', { token: await t.token(tenantAdmin('acme')) }), 403, 'FORBIDDEN');
    await expectError(await t.call('GET', '/v1/alerts?tenant=Not_A_Tenant', { token: await t.token(PLATFORM_ADMIN) }), 400, 'VALIDATION_FAILED');
  });
});
