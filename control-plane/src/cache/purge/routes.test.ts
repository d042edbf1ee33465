import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { purgeEvents } from '@conductor/schema/cache';
import type { PurgeEvent } from '@conductor/schema/contracts/cache-admin';
import { type PurgeDryRun, type PurgeReceipt, type PurgeRequest, SIGNATURE_HEADER, verifyWebhook } from '@conductor/sdk';
import { seedDemo } from '../../seed/demo.ts';
import { startTestApp, tenantAdmin, tenantReader, type TestApp } from '../../testing/app.ts';
import { expectError } from '../../testing/api-error.ts';
import { auditTrail } from '../testing.ts';

/**
 * A real loopback HTTP receiver standing in for the edge's purge hook: it verifies the HMAC
 * signature exactly as the edge does and answers receipts, idempotent by purge id.
 */
class EdgeHook {
  readonly received: PurgeRequest[] = [];
  mode: 'ok' | 'reject' | 'fail' = 'ok';
  private readonly generations = new Map<string, number>();
  private readonly seen = new Set<string>();
  private server!: Server;

  constructor(public secret: string) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(([status, body]) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage): Promise<[number, unknown]> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    if (req.method !== 'POST' || req.url !== '/__edge/purge') return [404, { error: { code: 'NOT_FOUND', message: 'no route' } }];
    const check = await verifyWebhook(this.secret, raw, req.headers[SIGNATURE_HEADER] as string | undefined);
    if (!check.ok) return [401, { error: { code: check.code, message: check.message } }];
    const request = JSON.parse(raw) as PurgeRequest | (Omit<PurgeDryRun, 'dryRun'> & { dryRun: true });
    this.received.push(request as PurgeRequest);
    if (this.mode === 'reject') return [400, { error: { code: 'UNKNOWN_OPERATION', message: 'no invalidation entry for mutation nope' } }];
    if (this.mode === 'fail') return [503, { error: { code: 'INTERNAL', message: 'durable object unavailable' } }];
    if ('dryRun' in request) return [200, DRY_RUN_ANSWER(request.tenant)];
    const key = `${request.tenant}/${request.purgeId}`;
    const duplicate = this.seen.has(key);
    this.seen.add(key);
    const tag = `${request.tenant}:*`;
    if (!duplicate) this.generations.set(tag, (this.generations.get(tag) ?? 0) + 1);
    const receipt: PurgeReceipt = {
      purgeId: request.purgeId!,
      tenant: request.tenant,
      tags: ['*'],
      generations: { '*': this.generations.get(tag)! },
      duplicate,
      appliedAt: new Date().toISOString(),
    };
    return [200, receipt];
  }
}

/** What the stand-in edge answers every dry run; the real counting is the edge's (workers and e2e tests). */
const DRY_RUN_ANSWER = (tenant: string): PurgeDryRun => ({
  dryRun: true,
  tenant,
  tags: ['*'],
  generations: { '*': 4 },
  operations: [{ id: `sha256:${'e'.repeat(64)}`, name: 'EntityById', liveEntries: 3 }],
  liveEntries: 3,
  liveEntriesComplete: true,
  evaluatedAt: '2026-12-01T00:00:00.000Z',
});

let edge: EdgeHook;
let t: TestApp;
let acmeAdmin: string;

beforeAll(async () => {
  edge = new EdgeHook('');
  const edgeUrl = await edge.start();
  t = await startTestApp({ edgeUrl });
  edge.secret = t.secrets.purgeSecret;
  await seedDemo(t.db);
  acmeAdmin = await t.token(tenantAdmin('acme'));
});
afterAll(async () => {
  await t.close();
  await edge.close();
});
beforeEach(() => {
  edge.mode = 'ok';
  edge.secret = t.secrets.purgeSecret;
  edge.received.length = 0;
});

function purge(body: unknown, token = acmeAdmin): Promise<Response> {
  return t.call('POST', '/v1/purge', { token, body });
}

async function eventsOf(purgeId: string) {
  return t.db.select().from(purgeEvents).where(eq(purgeEvents.purgeId, purgeId));
}

describe('POST /v1/purge', () => {
  it('signs and forwards the purge, returns the receipt, and records event and audit', async () => {
    const before = (await auditTrail(t.db)).length;
    const res = await purge({ tenant: 'acme', all: true });
    expect(res.status).toBe(200);
    const receipt = (await res.json()) as PurgeReceipt;
    expect(edge.received).toHaveLength(1);
    const sent = edge.received[0]!;
    expect(sent).toMatchObject({ tenant: 'acme', all: true });
    expect(sent.purgeId).toMatch(/^cp-/);
    expect(receipt).toMatchObject({ purgeId: sent.purgeId, tenant: 'acme', tags: ['*'], duplicate: false });

    const [event] = await eventsOf(sent.purgeId!);
    expect(event).toMatchObject({ tenantId: 'acme', status: 'applied', receipt, error: null, actor: 'user:admin@acme', request: sent });
    expect((await auditTrail(t.db)).slice(before)).toEqual([
      {
        actor: 'user:admin@acme',
        tenantId: 'acme',
        action: 'cache.purge',
        target: `purge:${sent.purgeId}`,
        payload: { request: sent, status: 'applied', receipt, error: null },
      },
    ]);
  });

  it('forwards every target form unchanged, with the caller purge id', async () => {
    const forms = [
      { purgeId: 'form-mutation', tenant: 'acme', mutation: { op: 'updateEntity', variables: { id: '7', name: 'x' } } },
      { purgeId: 'form-op-vars', tenant: 'acme', opId: `sha256:${'a'.repeat(64)}`, varsHash: 'b'.repeat(64) },
      { purgeId: 'form-op-only', tenant: 'acme', opId: `sha256:${'a'.repeat(64)}` },
    ];
    for (const form of forms) expect((await purge(form)).status).toBe(200);
    expect(edge.received).toEqual(forms);
  });

  it('is idempotent by purge id: a retry is a duplicate and keeps the applied event', async () => {
    const body = { purgeId: 'retry-0001', tenant: 'acme', opId: `sha256:${'c'.repeat(64)}` };
    expect(((await (await purge(body)).json()) as PurgeReceipt).duplicate).toBe(false);
    const before = (await auditTrail(t.db)).length;
    const again = (await (await purge(body)).json()) as PurgeReceipt;
    expect(again.duplicate).toBe(true);
    expect(await eventsOf('retry-0001')).toMatchObject([{ status: 'applied' }]);
    expect((await auditTrail(t.db)).slice(before)).toMatchObject([{ action: 'cache.purge', payload: { status: 'duplicate' } }]);
  });

  it("refuses another tenant's purge with 403, sends nothing and records nothing", async () => {
    const before = await auditTrail(t.db);
    const message = await expectError(await purge({ purgeId: 'cross-tenant', tenant: 'globex', all: true }), 403, 'FORBIDDEN');
    expect(message).toContain('globex');
    expect(edge.received).toEqual([]);
    expect(await eventsOf('cross-tenant')).toEqual([]);
    expect(await auditTrail(t.db)).toEqual(before);
  });

  it('refuses a purge without admin.write with 403', async () => {
    const before = await auditTrail(t.db);
    const reader = await t.token(tenantReader('acme'));
    const message = await expectError(await purge({ purgeId: 'no-scope-1', tenant: 'acme', all: true }, reader), 403, 'FORBIDDEN');
    expect(message).toContain('admin.write');
    expect(edge.received).toEqual([]);
    expect(await eventsOf('no-scope-1')).toEqual([]);
    expect(await auditTrail(t.db)).toEqual(before);
  });

  it('answers 404 UNKNOWN_TENANT for a tenant that does not exist', async () => {
    const token = await t.token({ tenant: 'initech', scopes: ['admin.write'] });
    await expectError(await purge({ tenant: 'initech', all: true }, token), 404, 'UNKNOWN_TENANT');
    expect(edge.received).toEqual([]);
  });

  it('rejects a body that is not exactly one purge form', async () => {
    await expectError(await purge({ tenant: 'acme', all: true, opId: 'x' }), 400, 'VALIDATION_FAILED');
    await expectError(await purge({ tenant: 'acme' }), 400, 'VALIDATION_FAILED');
    await expectError(await purge({ tenant: 'acme', opId: 'x', varsHash: 'not-hex' }), 400, 'VALIDATION_FAILED');
    expect(edge.received).toEqual([]);
  });

  it("passes the edge's 4xx through and records nothing", async () => {
    edge.mode = 'reject';
    const before = await auditTrail(t.db);
    const message = await expectError(
      await purge({ purgeId: 'rejected-1', tenant: 'acme', mutation: { op: 'nope', variables: {} } }),
      400,
      'UNKNOWN_OPERATION',
    );
    expect(message).toContain('nope');
    expect(await eventsOf('rejected-1')).toEqual([]);
    expect(await auditTrail(t.db)).toEqual(before);
  });

  it('answers 502 when the edge fails, records a failed event, and a successful retry replaces it', async () => {
    edge.mode = 'fail';
    await expectError(await purge({ purgeId: 'flaky-0001', tenant: 'acme', all: true }), 502, 'EDGE_UNAVAILABLE');
    const [failed] = await eventsOf('flaky-0001');
    expect(failed).toMatchObject({ status: 'failed', receipt: null, actor: 'user:admin@acme' });
    expect(failed?.error).toContain('503');
    expect((await auditTrail(t.db)).at(-1)).toMatchObject({ action: 'cache.purge.failed', tenantId: 'acme', target: 'purge:flaky-0001' });

    edge.mode = 'ok';
    expect((await purge({ purgeId: 'flaky-0001', tenant: 'acme', all: true })).status).toBe(200);
    expect(await eventsOf('flaky-0001')).toMatchObject([{ status: 'applied', error: null }]);

    // A later failure of the same id never hides that it was applied.
    edge.mode = 'fail';
    await expectError(await purge({ purgeId: 'flaky-0001', tenant: 'acme', all: true }), 502, 'EDGE_UNAVAILABLE');
    expect(await eventsOf('flaky-0001')).toMatchObject([{ status: 'applied' }]);
  });

  it('treats a signature the edge refuses as an edge failure, not a client error', async () => {
    edge.secret = 'not-the-control-plane-secret';
    const message = await expectError(await purge({ purgeId: 'bad-secret-1', tenant: 'acme', all: true }), 502, 'EDGE_UNAVAILABLE');
    expect(message).toContain('SIGNATURE_INVALID');
    expect(await eventsOf('bad-secret-1')).toMatchObject([{ status: 'failed' }]);
  });

  it('refuses to reuse a purge id of another tenant', async () => {
    expect((await purge({ purgeId: 'shared-id-1', tenant: 'acme', all: true })).status).toBe(200);
    const both = await t.token({ tenant: 'globex', tenants: ['acme'], scopes: ['admin.write'] });
    await expectError(await purge({ purgeId: 'shared-id-1', tenant: 'globex', all: true }, both), 409, 'CONFLICT');
    expect(edge.received).toHaveLength(1);
  });
});

describe('GET /v1/purges', () => {
  it("lists a tenant's purges newest first, honouring limit and defaulting to the caller's tenant", async () => {
    const globex = await t.token(tenantAdmin('globex'));
    for (const purgeId of ['history-1', 'history-2', 'history-3']) {
      expect((await purge({ purgeId, tenant: 'globex', all: true }, globex)).status).toBe(200);
    }
    const res = await t.call('GET', '/v1/purges?tenant=globex&limit=2', { token: globex });
    expect(res.status).toBe(200);
    const { purges } = (await res.json()) as { purges: PurgeEvent[] };
    expect(purges.map((p) => p.purgeId)).toEqual(['history-3', 'history-2']);
    expect(purges[0]).toMatchObject({ tenant: 'globex', status: 'applied', actor: 'user:admin@globex', request: { tenant: 'globex', all: true } });

    const mine = (await (await t.call('GET', '/v1/purges', { token: globex })).json()) as { purges: PurgeEvent[] };
    expect(mine.purges.map((p) => p.purgeId)).toEqual(['history-3', 'history-2', 'history-1']);
  });

  it("does not show one tenant's history to another", async () => {
    await expectError(await t.call('GET', '/v1/purges?tenant=globex', { token: acmeAdmin }), 403, 'FORBIDDEN');
    const own = (await (await t.call('GET', '/v1/purges?tenant=acme', { token: await t.token(tenantReader('acme')) })).json()) as { purges: PurgeEvent[] };
    expect(own.purges.length).toBeGreaterThan(0);
    expect(own.purges.every((p) => p.tenant === 'acme')).toBe(true);
  });

  it('validates limit', async () => {
    await expectError(await t.call('GET', '/v1/purges?limit=0', { token: acmeAdmin }), 400, 'VALIDATION_FAILED');
    await expectError(await t.call('GET', '/v1/purges?limit=abc', { token: acmeAdmin }), 400, 'VALIDATION_FAILED');
  });
});

describe('edge unreachable', () => {
  let down: TestApp;
  beforeAll(async () => {
    // A port that was just free and is now closed: connection refused, a real network failure.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    down = await startTestApp({ edgeUrl: `http://127.0.0.1:${port}` });
    await seedDemo(down.db);
  });
  afterAll(() => down.close());

  it('answers 502 EDGE_UNAVAILABLE and records a failed purge with its audit row', async () => {
    const token = await down.token(tenantAdmin('acme'));
    const message = await expectError(await down.call('POST', '/v1/purge', { token, body: { purgeId: 'unreachable-1', tenant: 'acme', all: true } }), 502, 'EDGE_UNAVAILABLE');
    expect(message).toContain('unreachable');
    const [event] = await down.db.select().from(purgeEvents).where(eq(purgeEvents.purgeId, 'unreachable-1'));
    expect(event).toMatchObject({ tenantId: 'acme', status: 'failed', receipt: null, actor: 'user:admin@acme' });
    expect((await auditTrail(down.db)).at(-1)).toMatchObject({ action: 'cache.purge.failed', tenantId: 'acme', target: 'purge:unreachable-1', actor: 'user:admin@acme' });

    const history = (await (await down.call('GET', '/v1/purges', { token })).json()) as { purges: PurgeEvent[] };
    expect(history.purges).toMatchObject([{ purgeId: 'unreachable-1', status: 'failed' }]);
  });
});

describe('POST /v1/purge with dryRun: true', () => {
  const allEvents = () => t.db.select().from(purgeEvents);

  it("signs and forwards the dry run, answers the edge's preview, and records neither an event nor an audit row", async () => {
    const [eventsBefore, auditBefore] = [await allEvents(), await auditTrail(t.db)];
    const res = await purge({ tenant: 'acme', mutation: { op: 'updateEntity', variables: { id: '7' } }, dryRun: true });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(DRY_RUN_ANSWER('acme'));
    // No purgeId is invented for it: nothing at the edge or here keeps a record of a dry run.
    expect(edge.received).toEqual([{ tenant: 'acme', mutation: { op: 'updateEntity', variables: { id: '7' } }, dryRun: true }]);
    expect(await allEvents()).toEqual(eventsBefore);
    expect(await auditTrail(t.db)).toEqual(auditBefore);
  });

  it('needs only read access to the tenant: a reader may preview, but not purge', async () => {
    const reader = await t.token(tenantReader('acme'));
    expect((await purge({ tenant: 'acme', all: true, dryRun: true }, reader)).status).toBe(200);
    await expectError(await purge({ tenant: 'acme', all: true }, reader), 403, 'FORBIDDEN');
    expect(edge.received).toEqual([{ tenant: 'acme', all: true, dryRun: true }]);
  });

  it("refuses another tenant's dry run with 403 and sends nothing", async () => {
    const message = await expectError(await purge({ tenant: 'globex', all: true, dryRun: true }), 403, 'FORBIDDEN');
    expect(message).toContain('globex');
    expect(edge.received).toEqual([]);
  });

  it('answers 401 without a token', async () => {
    await expectError(await t.call('POST', '/v1/purge', { body: { tenant: 'acme', all: true, dryRun: true } }), 401, 'UNAUTHENTICATED');
    expect(edge.received).toEqual([]);
  });

  it('answers 404 UNKNOWN_TENANT for a tenant that does not exist', async () => {
    const token = await t.token({ tenant: 'initech', scopes: ['admin.read'] });
    await expectError(await purge({ tenant: 'initech', all: true, dryRun: true }, token), 404, 'UNKNOWN_TENANT');
    expect(edge.received).toEqual([]);
  });

  it.each([
    ['a purgeId', { tenant: 'acme', all: true, dryRun: true, purgeId: 'dry-run-0001' }, 'json: invalid dry run: Unrecognized key: "purgeId"'],
    ['dryRun false', { tenant: 'acme', all: true, dryRun: false }, 'json: invalid dry run: dryRun: Invalid input: expected true'],
    ['no target', { tenant: 'acme', dryRun: true }, 'json: invalid dry run: give exactly one target: mutation, opId (optionally with varsHash) or all (got none)'],
    ['two targets', { tenant: 'acme', all: true, opId: 'x', dryRun: true }, 'json: invalid dry run: give exactly one target: mutation, opId (optionally with varsHash) or all (got opId and all)'],
  ])('rejects %s with 400 VALIDATION_FAILED naming the problem', async (_label, body, expected) => {
    expect(await expectError(await purge(body), 400, 'VALIDATION_FAILED')).toBe(expected);
    expect(edge.received).toEqual([]);
  });

  it('rejects a body that is not JSON with 400 BAD_JSON', async () => {
    const res = await t.call('POST', '/v1/purge', { token: acmeAdmin, body: '{"tenant":"acme","dryRun":true,', headers: { 'content-type': 'application/json' } });
    await expectError(res, 400, 'BAD_JSON');
  });

  it("passes the edge's 4xx through (a mutation the map does not cover)", async () => {
    edge.mode = 'reject';
    const message = await expectError(await purge({ tenant: 'acme', mutation: { op: 'nope', variables: {} }, dryRun: true }), 400, 'UNKNOWN_OPERATION');
    expect(message).toContain('nope');
  });

  it('answers 502 EDGE_UNAVAILABLE when the edge fails, and records no failed purge', async () => {
    edge.mode = 'fail';
    const before = await allEvents();
    const message = await expectError(await purge({ tenant: 'acme', all: true, dryRun: true }), 502, 'EDGE_UNAVAILABLE');
    expect(message).toContain('503');
    expect(await allEvents()).toEqual(before);
  });
});
