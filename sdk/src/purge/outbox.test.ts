import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startPurgeReceiver, type PurgeReceiver } from '../testing/purge-receiver.ts';
import { createPurgeClient, PurgeError } from './client.ts';
import { isPermanentFailure, openPurgeOutbox, type OutboxEvent, type PurgeOutbox } from './outbox.ts';
import { OutboxStore } from './outbox-store.ts';

const secret = 'outbox-test-secret-0123';
const CHILD = fileURLToPath(new URL('../../test/outbox-crash-child.ts', import.meta.url));
let edge: PurgeReceiver;
let closedUrl: string;
let dir: string;
const open: PurgeOutbox[] = [];

beforeAll(async () => {
  edge = await startPurgeReceiver(secret);
  const gone = await startPurgeReceiver(secret);
  closedUrl = gone.url;
  await gone.close();
});
afterAll(() => edge.close());
beforeEach(async () => {
  edge.received.length = 0;
  edge.respond(() => undefined);
  dir = await mkdtemp(join(tmpdir(), 'conductor-outbox-'));
});
afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
  await rm(dir, { recursive: true, force: true });
});

function outbox(opts: { edgeUrl?: string; path?: string; events?: OutboxEvent[] } = {}): PurgeOutbox {
  const o = openPurgeOutbox({
    path: opts.path ?? join(dir, 'outbox.sqlite'),
    client: createPurgeClient({ edgeUrl: opts.edgeUrl ?? edge.url, secret, retries: 0, backoffBaseMs: 1 }),
    retryBaseMs: 5,
    retryMaxMs: 20,
    onEvent: opts.events ? (e) => opts.events!.push(e) : undefined,
  });
  open.push(o);
  return o;
}

const purge = { tenant: 'acme', mutation: { op: 'updateEntity', variables: { id: '7', name: 'x' } } };
const WAIT = 10_000;

describe('openPurgeOutbox', () => {
  it('delivers an enqueued purge with its purgeId and empties the queue', async () => {
    const events: OutboxEvent[] = [];
    const o = outbox({ events });
    const queued = o.enqueue({ ...purge, purgeId: 'purge-outbox-0001' });

    const outcome = await queued.delivery(WAIT);

    expect(outcome).toMatchObject({ status: 'delivered', purgeId: 'purge-outbox-0001', receipt: { purgeId: 'purge-outbox-0001', duplicate: false } });
    expect(edge.received).toHaveLength(1);
    expect(edge.received[0]!.signature.ok).toBe(true);
    expect(edge.received[0]!.request).toEqual({ ...purge, purgeId: 'purge-outbox-0001' });
    expect(o.stats()).toEqual({ depth: 0, oldestAgeMs: 0, delivered: 1, failed: 0, retries: 0 });
    expect(events.map((e) => e.type)).toEqual(['enqueued', 'delivered']);
  });

  it('assigns a purgeId when the request has none', async () => {
    const queued = outbox().enqueue(purge);
    expect(queued.purgeId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await queued.delivery(WAIT)).toMatchObject({ status: 'delivered', purgeId: queued.purgeId });
  });

  it('keeps retrying while the edge fails, with one purgeId, and delivers once it recovers', async () => {
    let down = true;
    edge.respond(() => (down ? { status: 503, body: { error: { code: 'EDGE_UNAVAILABLE', message: 'down for the test' } } } : undefined));
    const events: OutboxEvent[] = [];
    const o = outbox({ events });
    const queued = o.enqueue(purge);

    // Not delivered within the bound: the caller hears "pending" with the last error, the entry stays.
    const early = await queued.delivery(50);
    expect(early).toMatchObject({ status: 'pending', purgeId: queued.purgeId });
    expect(o.stats().depth).toBe(1);
    await waitFor(() => edge.received.length >= 3);

    down = false;
    const outcome = await queued.delivery(WAIT);

    expect(outcome).toMatchObject({ status: 'delivered', purgeId: queued.purgeId });
    expect(new Set(edge.received.map((r) => r.request!.purgeId))).toEqual(new Set([queued.purgeId]));
    expect(edge.received.every((r) => r.signature.ok)).toBe(true);
    const stats = o.stats();
    expect(stats).toMatchObject({ depth: 0, delivered: 1, failed: 0 });
    expect(stats.retries).toBeGreaterThanOrEqual(2);
    expect(events.filter((e) => e.type === 'retry').every((e) => e.type === 'retry' && e.code === 'EDGE_UNAVAILABLE')).toBe(true);
  });

  it('reports the depth and the age of the oldest waiting entry', async () => {
    const o = outbox({ edgeUrl: closedUrl });
    o.enqueue(purge);
    o.enqueue({ tenant: 'globex', all: true });
    await new Promise((r) => setTimeout(r, 20));
    const stats = o.stats();
    expect(stats.depth).toBe(2);
    expect(stats.oldestAgeMs).toBeGreaterThan(0);
    expect(stats.delivered).toBe(0);
  });

  it('resumes pending entries when reopened on the same file, with the same purgeId', async () => {
    const path = join(dir, 'restart.sqlite');
    const first = outbox({ edgeUrl: closedUrl, path });
    const { purgeId } = first.enqueue(purge);
    expect(await first.enqueue({ tenant: 'globex', all: true }).delivery(30)).toMatchObject({ status: 'pending' });
    await first.close();

    const events: OutboxEvent[] = [];
    outbox({ path, events });
    await waitFor(() => events.filter((e) => e.type === 'delivered').length === 2);

    expect(edge.received.map((r) => r.request!.tenant).sort()).toEqual(['acme', 'globex']);
    expect(edge.received.find((r) => r.request!.tenant === 'acme')!.request!.purgeId).toBe(purgeId);
  });

  it('never loses an acknowledged purge when the process is killed right after enqueue', async () => {
    const path = join(dir, 'crash.sqlite');
    const { stdout, signal } = await runChild([CHILD, path, closedUrl]);
    expect(signal).toBe('SIGKILL');
    const purgeId = stdout.trim();

    const store = new OutboxStore(path);
    expect(store.pending().map((e) => e.purgeId)).toEqual([purgeId]);
    store.close();

    const events: OutboxEvent[] = [];
    outbox({ path, events });
    await waitFor(() => events.some((e) => e.type === 'delivered'));
    expect(edge.received.map((r) => r.request!.purgeId)).toEqual([purgeId]);
    expect(edge.received[0]!.request).toMatchObject({ tenant: 'crash-tenant', mutation: { op: 'updateEntity' } });
  });

  it('marks a purge the edge refuses (4xx) failed, keeps it for inspection and stops sending it', async () => {
    edge.respond(() => ({ status: 401, body: { error: { code: 'SIGNATURE_INVALID', message: 'bad mac' } } }));
    const o = outbox();
    const queued = o.enqueue(purge);

    expect(await queued.delivery(WAIT)).toEqual({ status: 'failed', purgeId: queued.purgeId, code: 'SIGNATURE_INVALID', message: 'bad mac' });
    expect(o.stats()).toMatchObject({ depth: 0, delivered: 0, failed: 1 });
    expect(o.failedEntries()).toMatchObject([{ purgeId: queued.purgeId, state: 'failed', attempts: 1, lastError: 'SIGNATURE_INVALID: bad mac' }]);
    expect(edge.received).toHaveLength(1);
  });

  it('counts a round that hangs as failed, retries it, and still closes promptly', async () => {
    // A real server that accepts the purge and never answers: a hung edge.
    const hung = createServer(() => {});
    await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
    try {
      const events: OutboxEvent[] = [];
      const o = openPurgeOutbox({
        path: join(dir, 'hung.sqlite'),
        // The client would wait a minute; the outbox's round deadline is what must cut it.
        client: createPurgeClient({ edgeUrl: `http://127.0.0.1:${(hung.address() as AddressInfo).port}`, secret, retries: 0, timeoutMs: 60_000 }),
        roundTimeoutMs: 100,
        retryBaseMs: 5,
        retryMaxMs: 20,
        onEvent: (e) => events.push(e),
      });
      o.enqueue(purge);
      await waitFor(() => events.filter((e) => e.type === 'retry').length >= 2);
      expect(events.find((e) => e.type === 'retry')).toMatchObject({ code: 'EDGE_UNAVAILABLE', message: expect.stringContaining('within 100 ms') });

      await o.close();
      const store = new OutboxStore(join(dir, 'hung.sqlite'));
      expect(store.pending()).toHaveLength(1);
      store.close();
    } finally {
      hung.closeAllConnections();
      hung.close();
    }
  });

  it('rejects an invalid request without storing it', () => {
    const o = outbox();
    expect(() => o.enqueue({ tenant: '', all: true })).toThrow(PurgeError);
    expect(o.stats().depth).toBe(0);
  });

  it('is idempotent per purgeId', async () => {
    const o = outbox({ edgeUrl: closedUrl });
    o.enqueue({ ...purge, purgeId: 'purge-twice-01' });
    o.enqueue({ ...purge, purgeId: 'purge-twice-01' });
    expect(o.stats().depth).toBe(1);
  });
});

describe('isPermanentFailure', () => {
  it.each([
    [new PurgeError('SIGNATURE_INVALID', 'x', 401), true],
    [new PurgeError('BAD_REQUEST', 'x', 422), true],
    [new PurgeError('VALIDATION_FAILED', 'x'), true],
    [new PurgeError('BAD_REQUEST', 'x', 408), false],
    [new PurgeError('BAD_REQUEST', 'x', 429), false],
    [new PurgeError('EDGE_UNAVAILABLE', 'x', 503), false],
    [new PurgeError('EDGE_UNAVAILABLE', 'x'), false],
    [new Error('socket hang up'), false],
  ])('%s → %s', (error, permanent) => {
    expect(isPermanentFailure(error)).toBe(permanent);
  });
});

function waitFor(condition: () => boolean): Promise<void> {
  return vi.waitFor(() => expect(condition()).toBe(true), { timeout: WAIT, interval: 10 });
}

function runChild(args: string[]): Promise<{ stdout: string; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', ...args], { timeout: 30_000 }, (err, stdout) => {
      resolve({ stdout, signal: (err as { signal?: NodeJS.Signals } | null)?.signal ?? null });
    });
  });
}
