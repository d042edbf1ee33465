import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OUTBOX_BACKLOG_PATH, OutboxBacklogReportSchema } from '../contracts/backlog.ts';
import { startPurgeReceiver, type PurgeReceiver } from '../testing/purge-receiver.ts';
import { sendBacklogReport, startBacklogReports } from './backlog-report.ts';
import { createPurgeClient } from './client.ts';
import { openPurgeOutbox, type PurgeOutbox } from './outbox.ts';

const secret = 'backlog-test-secret-0123456789ab';
// One loopback server plays the edge (purge hook) and the control plane (backlog route): both verify the same signature.
let server: PurgeReceiver;
let dir: string;
const open: PurgeOutbox[] = [];

beforeAll(async () => {
  server = await startPurgeReceiver(secret);
});
afterAll(() => server.close());
beforeEach(async () => {
  server.received.length = 0;
  server.respond((r) => (r.path === OUTBOX_BACKLOG_PATH ? { status: r.signature.ok ? 202 : 401, body: r.signature.ok ? { accepted: true } : { error: { code: r.signature.code, message: r.signature.message } } } : undefined));
  dir = await mkdtemp(join(tmpdir(), 'conductor-backlog-'));
});
afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
  await rm(dir, { recursive: true, force: true });
});

const reports = () => server.received.filter((r) => r.path === OUTBOX_BACKLOG_PATH);

describe('PurgeOutbox.backlog', () => {
  it('counts per tenant what waits for the edge (with the oldest age) and what the edge refused for good', async () => {
    let clock = 1_000_000;
    // The edge refuses globex's purges for good (404 unknown tenant) and is unreachable for acme's.
    server.respond((r) => (r.request?.tenant === 'globex' ? { status: 404, body: { error: { code: 'UNKNOWN_TENANT', message: 'globex' } } } : { status: 503, body: { error: { code: 'EDGE_UNAVAILABLE', message: 'down' } } }));
    const o = openPurgeOutbox({ path: join(dir, 'outbox.sqlite'), client: createPurgeClient({ edgeUrl: server.url, secret, retries: 0 }), retryBaseMs: 60_000, retryMaxMs: 60_000, now: () => clock });
    open.push(o);
    expect(o.backlog()).toEqual([]);
    o.enqueue({ tenant: 'acme', all: true });
    clock += 30_000;
    o.enqueue({ tenant: 'acme', opId: 'sha256:x' });
    expect(await o.enqueue({ tenant: 'globex', all: true }).delivery(5_000)).toMatchObject({ status: 'failed' });
    clock += 12_345;
    expect(o.backlog()).toEqual([
      { tenant: 'acme', pending: 2, oldestPendingAgeSeconds: 42, failed: 0 },
      { tenant: 'globex', pending: 0, oldestPendingAgeSeconds: 0, failed: 1 },
    ]);
  });
});

describe('sendBacklogReport', () => {
  const options = () => ({ controlPlaneUrl: server.url, secret, source: 'origin-1' });

  it('posts the report to the control plane, signed over its exact bytes, with a fresh report id each time', async () => {
    const tenants = [{ tenant: 'acme', pending: 2, oldestPendingAgeSeconds: 42, failed: 1 }];
    expect(await sendBacklogReport(options(), tenants)).toEqual({ ok: true, tenants: 1 });
    expect(await sendBacklogReport(options(), tenants)).toEqual({ ok: true, tenants: 1 });
    const [first, second] = reports();
    expect(first!.signature.ok).toBe(true);
    expect(first!.contentType).toBe('application/json');
    const body = OutboxBacklogReportSchema.parse(JSON.parse(first!.rawBody));
    expect(body).toMatchObject({ source: 'origin-1', tenants });
    expect(JSON.parse(second!.rawBody).reportId).not.toBe(body.reportId);
  });

  it('says what went wrong instead of throwing', async () => {
    expect(await sendBacklogReport({ ...options(), secret: 'a-different-secret-0123456789abcd' }, [])).toMatchObject({ ok: false, status: 401, code: 'SIGNATURE_INVALID' });
    server.respond(() => ({ status: 409, body: { error: { code: 'SIGNATURE_REPLAYED', message: 'again' } } }));
    expect(await sendBacklogReport(options(), [])).toEqual({ ok: false, status: 409, code: 'SIGNATURE_REPLAYED', message: 'again' });
    server.respond(() => ({ status: 502, body: 'not json' }));
    expect(await sendBacklogReport(options(), [])).toMatchObject({ ok: false, status: 502, code: 'INTERNAL' });
    const gone = await startPurgeReceiver(secret);
    await gone.close();
    expect(await sendBacklogReport({ ...options(), controlPlaneUrl: gone.url }, [])).toMatchObject({ ok: false, code: 'CONTROL_PLANE_UNAVAILABLE' });
    const before = server.received.length;
    expect(await sendBacklogReport(options(), [{ tenant: 'acme', pending: -1, oldestPendingAgeSeconds: 0, failed: 0 }])).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    expect(await sendBacklogReport({ ...options(), source: '' }, [])).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    expect(server.received.length).toBe(before);
  });
});

describe('startBacklogReports', () => {
  it('reports at once and on every tick, a fresh snapshot each time, until stopped', async () => {
    let pending = 3;
    const outcomes: unknown[] = [];
    const reporter = startBacklogReports({
      controlPlaneUrl: server.url,
      secret,
      source: 'origin-1',
      intervalMs: 50,
      backlog: () => [{ tenant: 'acme', pending: Math.max(0, pending--), oldestPendingAgeSeconds: 1, failed: 0 }],
      onOutcome: (o) => outcomes.push(o),
    });
    await expect.poll(() => reports().length).toBeGreaterThanOrEqual(3);
    await reporter.stop();
    const sent = reports().length;
    expect(reports().slice(0, 3).map((r) => JSON.parse(r.rawBody).tenants[0].pending)).toEqual([3, 2, 1]);
    expect(outcomes.slice(0, 3)).toEqual([{ ok: true, tenants: 1 }, { ok: true, tenants: 1 }, { ok: true, tenants: 1 }]);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(reports().length).toBe(sent);
    expect(await reporter.reportNow()).toEqual({ ok: true, tenants: 1 });
  });
});
