import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startPurgeReceiver, type PurgeReceiver } from '../testing/purge-receiver.ts';
import { createPurgeClient, PurgeError } from './client.ts';

const secret = 'purge-client-test-secret';
let edge: PurgeReceiver;

beforeAll(async () => {
  edge = await startPurgeReceiver(secret);
});
afterAll(() => edge.close());
beforeEach(() => {
  edge.received.length = 0;
  edge.respond(() => undefined);
});

function client(retries = 3) {
  return createPurgeClient({ edgeUrl: edge.url, secret, retries, backoffBaseMs: 1 });
}

describe('createPurgeClient', () => {
  it('POSTs the signed JSON to /__edge/purge and returns the parsed receipt', async () => {
    const receipt = await client().purge({ purgeId: 'purge-0001', tenant: 'acme', mutation: { op: 'updateEntity', variables: { id: '7', name: 'x' } } });

    expect(edge.received).toHaveLength(1);
    const [sent] = edge.received;
    expect(sent!.path).toBe('/__edge/purge');
    expect(sent!.contentType).toBe('application/json');
    expect(sent!.signature.ok).toBe(true);
    expect(JSON.parse(sent!.rawBody)).toEqual({ purgeId: 'purge-0001', tenant: 'acme', mutation: { op: 'updateEntity', variables: { id: '7', name: 'x' } } });
    expect(receipt).toMatchObject({ purgeId: 'purge-0001', tenant: 'acme', tags: ['*'], duplicate: false });
  });

  it('assigns a purgeId when the request has none', async () => {
    const receipt = await client().purge({ tenant: 'acme', all: true });
    expect(edge.received[0]!.request!.purgeId).toMatch(/^[0-9a-f-]{36}$/);
    expect(receipt.purgeId).toBe(edge.received[0]!.request!.purgeId);
  });

  it('retries 5xx with the same purgeId, re-signing each attempt, until the edge answers', async () => {
    edge.respond((_r, attempt) => (attempt <= 2 ? { status: 503, body: { error: { code: 'EDGE_UNAVAILABLE', message: 'busy' } } } : undefined));

    const receipt = await client().purge({ tenant: 'globex', opId: 'sha256:' + 'a'.repeat(64) });

    expect(edge.received).toHaveLength(3);
    const ids = new Set(edge.received.map((r) => r.request!.purgeId));
    expect(ids.size).toBe(1);
    expect(edge.received.every((r) => r.signature.ok)).toBe(true);
    expect(receipt.purgeId).toBe([...ids][0]);
  });

  it('gives up after the configured retries with the last 5xx as a PurgeError', async () => {
    edge.respond(() => ({ status: 502, body: { error: { code: 'INTERNAL', message: 'durable object down' } } }));

    const error = await client(2).purge({ tenant: 'acme', all: true }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PurgeError);
    expect(error).toMatchObject({ code: 'INTERNAL', status: 502, message: 'durable object down', attempts: 3 });
    expect(edge.received).toHaveLength(3);
  });

  it('does not retry a 4xx and surfaces the code and message of the error body', async () => {
    const badSecret = createPurgeClient({ edgeUrl: edge.url, secret: 'wrong', backoffBaseMs: 1 });

    const error = await badSecret.purge({ tenant: 'acme', all: true }).catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'PurgeError', code: 'SIGNATURE_INVALID', status: 401, attempts: 1 });
    expect(edge.received).toHaveLength(1);
  });

  it('maps a 4xx without an error body to BAD_REQUEST', async () => {
    edge.respond(() => ({ status: 422, body: 'nope' }));
    const error = await client().purge({ tenant: 'acme', all: true }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'BAD_REQUEST', status: 422 });
    expect(edge.received).toHaveLength(1);
  });

  it('rejects a receipt that does not match the contract', async () => {
    edge.respond(() => ({ status: 200, body: { ok: true } }));
    const error = await client().purge({ tenant: 'acme', all: true }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INTERNAL', status: 200 });
  });

  it('rejects an invalid request without sending anything', async () => {
    const error = await client()
      .purge({ tenant: 'acme', opId: 'sha256:x', varsHash: 'not-a-hash' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', status: undefined });
    expect(edge.received).toHaveLength(0);
  });

  it('retries network errors and reports EDGE_UNAVAILABLE when the edge never answers', async () => {
    const closed = await startPurgeReceiver(secret);
    const url = closed.url;
    await closed.close();

    const error = await createPurgeClient({ edgeUrl: url, secret, retries: 2, backoffBaseMs: 1 })
      .purge({ tenant: 'acme', all: true })
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'EDGE_UNAVAILABLE', status: undefined, attempts: 3 });
  });

  it('lets the edge deduplicate a purge that is sent twice', async () => {
    const first = await client().purge({ purgeId: 'purge-dup-1', tenant: 'acme', all: true });
    const second = await client().purge({ purgeId: 'purge-dup-1', tenant: 'acme', all: true });
    expect(first.duplicate).toBe(false);
    expect(second.duplicate).toBe(true);
  });
});

describe('createPurgeClient().dryRun', () => {
  it('sends the same target signed with dryRun: true and no purgeId, and returns the parsed answer', async () => {
    const answer = await client().dryRun({ purgeId: 'not-sent-1', tenant: 'acme', mutation: { op: 'updateEntity', variables: { id: '7' } } });
    expect(edge.received).toHaveLength(1);
    const [sent] = edge.received;
    expect(sent!.signature.ok).toBe(true);
    expect(JSON.parse(sent!.rawBody)).toEqual({ tenant: 'acme', mutation: { op: 'updateEntity', variables: { id: '7' } }, dryRun: true });
    expect(sent!.request).toBeUndefined();
    expect(answer).toMatchObject({ dryRun: true, tenant: 'acme', tags: ['*'], liveEntries: 0, liveEntriesComplete: true });
  });

  it('retries a 5xx (a dry run changes nothing) and surfaces a 4xx at once', async () => {
    edge.respond((_r, attempt) => (attempt === 1 ? { status: 503, body: { error: { code: 'EDGE_UNAVAILABLE', message: 'busy' } } } : undefined));
    expect((await client().dryRun({ tenant: 'acme', all: true })).dryRun).toBe(true);
    expect(edge.received).toHaveLength(2);

    edge.received.length = 0;
    edge.respond(() => ({ status: 404, body: { error: { code: 'UNKNOWN_OPERATION', message: 'mutation nope is not in the invalidation map' } } }));
    const error = await client().dryRun({ tenant: 'acme', mutation: { op: 'nope', variables: {} } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'UNKNOWN_OPERATION', status: 404, attempts: 1 });
  });

  it('rejects a receipt where a dry-run answer was expected', async () => {
    edge.respond(() => ({ status: 200, body: { purgeId: 'p-1', tenant: 'acme', tags: ['*'], generations: { '*': 1 }, duplicate: false, appliedAt: 'now' } }));
    const error = await client().dryRun({ tenant: 'acme', all: true }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INTERNAL', status: 200 });
    expect((error as Error).message).toContain('dry-run answer');
  });
});
