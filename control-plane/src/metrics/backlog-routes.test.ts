import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { outboxBacklogReports } from '@conductor/schema/metrics';
import { OUTBOX_BACKLOG_PATH, SIGNATURE_HEADER, signWebhook } from '@conductor/sdk';
import { sendBacklogReport } from '@conductor/sdk/outbox';
import { alertInput } from '../alerts/service.ts';
import { expectError } from '../testing/api-error.ts';
import { ALL_TENANTS, onlyTenants } from '../edge-metrics/scope.ts';
import { PLATFORM_ADMIN, startTestApp, type TestApp } from '../testing/app.ts';
import { EDGE_TOKEN } from './testing.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());
beforeEach(async () => {
  await t.db.delete(outboxBacklogReports);
});

const now = () => Math.floor(Date.now() / 1000);
const report = (over: Record<string, unknown> = {}) => ({
  reportId: crypto.randomUUID(),
  source: 'origin-a',
  tenants: [{ tenant: 'acme', pending: 2, oldestPendingAgeSeconds: 300, failed: 1 }],
  ...over,
});

/** POSTs `body` (raw text) with the signature header a reporter would send, or the one given. */
async function post(body: string, signature?: string | null, headers: Record<string, string> = {}) {
  const sig = signature === undefined ? await signWebhook(t.secrets.purgeSecret, body) : signature;
  return t.call('POST', OUTBOX_BACKLOG_PATH, { body, headers: { ...(sig === null ? {} : { [SIGNATURE_HEADER]: sig }), ...headers } });
}
const stored = () => t.db.select().from(outboxBacklogReports);

describe('POST /v1/metrics/outbox-backlog', () => {
  it('stores a signed report as its source’s latest, and the SDK reporter sends exactly that', async () => {
    const body = JSON.stringify(report());
    const res = await post(body);
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ accepted: true, source: 'origin-a' });
    expect(await stored()).toMatchObject([{ source: 'origin-a', tenants: [{ tenant: 'acme', pending: 2, oldestPendingAgeSeconds: 300, failed: 1 }] }]);

    // The SDK's reporter, through the same route; its empty report clears the source.
    const via = { controlPlaneUrl: 'http://control-plane.test', secret: t.secrets.purgeSecret, source: 'origin-a', fetch: (input: RequestInfo | URL, init?: RequestInit) => Promise.resolve(t.app.request(String(input), init)) };
    expect(await sendBacklogReport(via, [])).toEqual({ ok: true, tenants: 0 });
    expect((await stored()).map((r) => r.tenants)).toEqual([[]]);
    expect(await sendBacklogReport({ ...via, secret: 'not-the-secret-at-all-0123456789' }, [])).toMatchObject({ ok: false, status: 401, code: 'SIGNATURE_INVALID' });
  });

  it.each([
    ['no signature', null, 'SIGNATURE_MISSING'],
    ['a malformed signature', 'v1=abc', 'SIGNATURE_MALFORMED'],
    ['a signature by another secret', 'other', 'SIGNATURE_INVALID'],
    ['a signature outside the replay window', 'expired', 'SIGNATURE_EXPIRED'],
  ])('refuses %s with 401 and stores nothing', async (_name, kind, code) => {
    const body = JSON.stringify(report());
    let signature: string | null = kind;
    if (kind === 'other') signature = await signWebhook('another-secret-of-thirty-two-chars', body);
    if (kind === 'expired') signature = await signWebhook(t.secrets.purgeSecret, body, now() - 301);
    await expectError(await post(body, signature), 401, code);
    expect(await stored()).toEqual([]);
  });

  it('refuses a body changed after signing, and a JWT instead of a signature', async () => {
    const body = JSON.stringify(report());
    const signature = await signWebhook(t.secrets.purgeSecret, body);
    await expectError(await post(body.replace('"pending":2', '"pending":0'), signature), 401, 'SIGNATURE_INVALID');
    const admin = await t.call('POST', OUTBOX_BACKLOG_PATH, { token: await t.token(PLATFORM_ADMIN), body });
    await expectError(admin, 401, 'SIGNATURE_MISSING');
    await expectError(await t.call('POST', OUTBOX_BACKLOG_PATH, { token: await t.token(EDGE_TOKEN), body }), 401, 'SIGNATURE_MISSING');
    expect(await stored()).toEqual([]);
  });

  it('refuses a replayed report (409 SIGNATURE_REPLAYED) and an older one (409 CONFLICT), keeping the latest', async () => {
    const first = JSON.stringify(report());
    const signature = await signWebhook(t.secrets.purgeSecret, first, now() - 10);
    expect((await post(first, signature)).status).toBe(202);
    expect(await expectError(await post(first, signature), 409, 'SIGNATURE_REPLAYED')).toContain('already received');
    // Re-signed now, the same report id is still a replay.
    await expectError(await post(first), 409, 'SIGNATURE_REPLAYED');

    const newer = JSON.stringify(report({ tenants: [] }));
    expect((await post(newer)).status).toBe(202);
    const older = JSON.stringify(report({ tenants: [{ tenant: 'acme', pending: 99, oldestPendingAgeSeconds: 1, failed: 0 }] }));
    expect(await expectError(await post(older, await signWebhook(t.secrets.purgeSecret, older, now() - 60)), 409, 'CONFLICT')).toContain('origin-a');
    expect((await stored()).map((r) => r.tenants)).toEqual([[]]);
  });

  it.each([
    ['not JSON', '{"reportId":', 'BAD_JSON', 400],
    ['no report id', JSON.stringify({ source: 'o', tenants: [] }), 'VALIDATION_FAILED', 400],
    ['a report id that is not a UUID', JSON.stringify(report({ reportId: 'r-1' })), 'VALIDATION_FAILED', 400],
    ['an empty source', JSON.stringify(report({ source: '' })), 'VALIDATION_FAILED', 400],
    ['a negative count', JSON.stringify(report({ tenants: [{ tenant: 'acme', pending: -1, oldestPendingAgeSeconds: 0, failed: 0 }] })), 'VALIDATION_FAILED', 400],
    ['a fractional age', JSON.stringify(report({ tenants: [{ tenant: 'acme', pending: 1, oldestPendingAgeSeconds: 1.5, failed: 0 }] })), 'VALIDATION_FAILED', 400],
    [
      'a tenant twice',
      JSON.stringify(report({ tenants: [{ tenant: 'acme', pending: 1, oldestPendingAgeSeconds: 1, failed: 0 }, { tenant: 'acme', pending: 1, oldestPendingAgeSeconds: 1, failed: 0 }] })),
      'VALIDATION_FAILED',
      400,
    ],
    ['an unknown field', JSON.stringify(report({ extra: true })), 'VALIDATION_FAILED', 400],
  ])('refuses a signed body with %s (%s), storing nothing', async (_name, body, code, status) => {
    await expectError(await post(body, undefined, { 'content-type': 'application/json' }), status, code);
    expect(await stored()).toEqual([]);
  });
});

describe('the invalidation backlog reads the reports', () => {
  it('counts purges stuck in fresh reports: pending past the grace period, and refused ones', async () => {
    const at = new Date();
    const send = async (source: string, tenants: { tenant: string; pending: number; oldestPendingAgeSeconds: number; failed: number }[]) =>
      expect((await post(JSON.stringify(report({ source, tenants })))).status).toBe(202);
    await send('origin-a', [
      { tenant: 'acme', pending: 2, oldestPendingAgeSeconds: 300, failed: 0 },
      // Young: inside the grace period, a purge in flight rather than stuck.
      { tenant: 'globex', pending: 5, oldestPendingAgeSeconds: 30, failed: 0 },
    ]);
    await send('origin-b', [{ tenant: 'acme', pending: 1, oldestPendingAgeSeconds: 500, failed: 2 }]);

    const input = await alertInput(t.db, ALL_TENANTS, at);
    expect(input.backlog).toEqual([{ tenant: 'acme', unacknowledged: 0, outboxPending: 3, outboxFailed: 2, oldestAgeSeconds: 500 }]);
    // Two minutes on, globex's purges have waited past the grace period too.
    const later = await alertInput(t.db, ALL_TENANTS, new Date(at.getTime() + 120_000));
    expect(later.backlog.map((b) => [b.tenant, b.outboxPending])).toEqual([
      ['acme', 3],
      ['globex', 5],
    ]);
    // Scoped like every read, and a report nobody refreshed for ten minutes no longer counts.
    expect((await alertInput(t.db, onlyTenants(['globex']), at)).backlog).toEqual([]);
    expect((await alertInput(t.db, ALL_TENANTS, new Date(at.getTime() + 601_000))).backlog).toEqual([]);
  });
});
