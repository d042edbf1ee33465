import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendBacklogReport } from '@conductor/sdk/outbox';
import { savePurgeEvent } from '../cache/purge/queries.ts';
import { expectError } from '../testing/api-error.ts';
import { batch, ingest, minutesAgo, series } from '../metrics/testing.ts';
import { runJob } from '../scheduler/runner.ts';
import { PLATFORM_ADMIN, startTestApp, tenantAdmin, type TestApp } from '../testing/app.ts';
import { upsertTenant } from '../tenants/queries.ts';
import { alertEvaluationJob } from './job.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  for (const id of ['acme', 'globex']) await upsertTenant(t.db, { id, name: id, strictSafelist: false });
});
afterAll(() => t.close());

type Alert = { alertname: string; state: string; since: string; activeSince: string; firingSince: string | null; forSeconds: number; labels: Record<string, string>; values: Record<string, number>; thresholds: Record<string, number> };
type Body = { evaluatedAt: string | null; rules: Record<string, Record<string, number>>; alerts: Alert[] };
type Notification = { id: number; at: string; alertname: string; state: string; previousState: string | null; labels: Record<string, string> };

const alerts = async (query = '', who = PLATFORM_ADMIN) => (await (await t.call('GET', `/v1/alerts${query}`, { token: await t.token(who) })).json()) as Body;
const notifications = async (query = '', who = PLATFORM_ADMIN) =>
  ((await (await t.call('GET', `/v1/alerts/notifications${query}`, { token: await t.token(who) })).json()) as { notifications: Notification[] }).notifications;
/** What the scheduler does every minute, at a chosen instant. */
const evaluate = async (now: Date) => expect((await runJob(t.db, alertEvaluationJob(), now, { ignoreSchedule: true })).outcome).toBe('ok');
const summary = (body: Body) => body.alerts.map((a) => [a.alertname, a.state, a.labels.tenant]);

describe('GET /v1/alerts', () => {
  it('is empty, and says so, before the first evaluation and on a quiet system', async () => {
    expect(await alerts()).toMatchObject({ evaluatedAt: null, alerts: [] });
    const now = new Date();
    await evaluate(now);
    expect(await alerts()).toMatchObject({ evaluatedAt: now.toISOString(), alerts: [] });
  });

  it('remembers conditions between evaluations: pending, firing after `for`, resolved; scoped to what the caller may read', async () => {
    // acme: a failed admin purge (a backlog, and a failure). globex: hook failures, a hit-ratio
    // collapse on enough traffic, and purges stuck in an origin outbox.
    await savePurgeEvent(t.db, { purgeId: 'a-1', tenantId: 'acme', request: { purgeId: 'a-1', tenant: 'acme', all: true }, receipt: null, status: 'failed', error: 'edge down', actor: 'user:a' });
    const baseline = [20, 30, 40, 50].map((k) => series({ tenant: 'globex', minute: minutesAgo(k), status: 'HIT', totalMs: Array(50).fill(1) }));
    const current = [2, 3, 4].map((k) => series({ tenant: 'globex', minute: minutesAgo(k), status: 'MISS', totalMs: Array(50).fill(40), originMs: Array(50).fill(38) }));
    await ingest(t, batch({ series: [...baseline, ...current], purgeFailures: [{ tenant: 'globex', count: 2 }] }));
    const report = await sendBacklogReport(
      { controlPlaneUrl: 'http://control-plane.test', secret: t.secrets.purgeSecret, source: 'origin-1', fetch: (input, init) => Promise.resolve(t.app.request(String(input), init)) },
      [{ tenant: 'globex', pending: 3, oldestPendingAgeSeconds: 400, failed: 1 }],
    );
    expect(report).toEqual({ ok: true, tenants: 1 });

    const t0 = new Date(Date.now() + 1000);
    await evaluate(t0);
    const first = await alerts();
    expect(first.evaluatedAt).toBe(t0.toISOString());
    expect(summary(first)).toEqual([
      ['ConductorPurgeFailures', 'firing', 'acme'],
      ['ConductorPurgeFailures', 'firing', 'globex'],
      ['ConductorHitRatioDrop', 'pending', 'globex'],
      ['ConductorInvalidationBacklog', 'pending', 'acme'],
      ['ConductorInvalidationBacklog', 'pending', 'globex'],
    ]);
    const drop = first.alerts.find((a) => a.alertname === 'ConductorHitRatioDrop')!;
    expect(drop).toMatchObject({ since: t0.toISOString(), activeSince: t0.toISOString(), firingSince: null, forSeconds: 300, labels: { operation: 'GetEntity' } });
    expect(drop.values).toMatchObject({ hitRatio: 0, baselineHitRatio: 1, drop: 1, requests: 150 });
    const globexBacklog = first.alerts.find((a) => a.alertname === 'ConductorInvalidationBacklog' && a.labels.tenant === 'globex')!;
    expect(globexBacklog.values).toMatchObject({ count: 4, unacknowledged: 0, outboxPending: 3, outboxFailed: 1 });
    expect(first.rules.hitRatioDrop).toMatchObject({ forSeconds: 300 });

    // Four minutes on, nothing has held for five minutes yet.
    await evaluate(new Date(t0.getTime() + 240_000));
    expect(summary(await alerts()).filter(([, state]) => state === 'firing').map(([name]) => name)).toEqual(['ConductorPurgeFailures', 'ConductorPurgeFailures']);

    // Five minutes on: the backlog and the drop have held for `for` and fire; the purge failures
    // have left their 5-minute window and resolve. The acme backlog stays (a failed purge is not
    // applied until purged again); the outbox report is still fresh (received < 10 minutes ago).
    const t5 = new Date(t0.getTime() + 300_000);
    await evaluate(t5);
    const later = await alerts();
    expect(summary(later)).toEqual([
      ['ConductorHitRatioDrop', 'firing', 'globex'],
      ['ConductorInvalidationBacklog', 'firing', 'acme'],
      ['ConductorInvalidationBacklog', 'firing', 'globex'],
    ]);
    expect(later.alerts[0]).toMatchObject({ since: t5.toISOString(), activeSince: t0.toISOString(), firingSince: t5.toISOString() });

    // Every change is a notification, newest first.
    const all = await notifications();
    expect(all.map((n) => `${n.alertname}/${n.labels.tenant}:${n.previousState ?? '-'}→${n.state}`)).toEqual([
      'ConductorPurgeFailures/globex:firing→resolved',
      'ConductorPurgeFailures/acme:firing→resolved',
      'ConductorHitRatioDrop/globex:pending→firing',
      'ConductorInvalidationBacklog/globex:pending→firing',
      'ConductorInvalidationBacklog/acme:pending→firing',
      'ConductorHitRatioDrop/globex:-→pending',
      'ConductorPurgeFailures/globex:-→firing',
      'ConductorPurgeFailures/acme:-→firing',
      'ConductorInvalidationBacklog/globex:-→pending',
      'ConductorInvalidationBacklog/acme:-→pending',
    ]);
    expect(all.slice(0, 5).every((n) => n.at === t5.toISOString())).toBe(true);
    // Paging and filtering.
    expect((await notifications('?limit=2')).map((n) => n.id)).toEqual(all.slice(0, 2).map((n) => n.id));
    expect((await notifications(`?limit=2&beforeId=${all[1]!.id}`)).map((n) => n.id)).toEqual(all.slice(2, 4).map((n) => n.id));
    expect(await notifications(`?since=${encodeURIComponent(t5.toISOString())}`)).toHaveLength(5);

    // A tenant admin sees their tenant only.
    const acme = await alerts('', tenantAdmin('acme'));
    expect(summary(acme)).toEqual([['ConductorInvalidationBacklog', 'firing', 'acme']]);
    expect(new Set((await notifications('', tenantAdmin('acme'))).map((n) => n.labels.tenant))).toEqual(new Set(['acme']));
  });

  it('refuses other tenants and bad parameters with precise errors', async () => {
    const acme = await t.token(tenantAdmin('acme'));
    await expectError(await t.call('GET', '/v1/alerts?tenant=globex', { token: acme }), 403, 'FORBIDDEN');
    await expectError(await t.call('GET', '/v1/alerts/notifications?tenant=globex', { token: acme }), 403, 'FORBIDDEN');
    await expectError(await t.call('GET', '/v1/alerts?tenant=Not_A_Tenant', { token: acme }), 400, 'VALIDATION_FAILED');
    for (const q of ['limit=0', 'limit=1001', 'beforeId=0', 'since=yesterday']) {
      await expectError(await t.call('GET', `/v1/alerts/notifications?${q}`, { token: acme }), 400, 'VALIDATION_FAILED');
    }
    await expectError(await t.call('GET', '/v1/alerts/notifications'), 401, 'UNAUTHENTICATED');
  });
});
