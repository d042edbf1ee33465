import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OUTBOX_FILE } from '@conductor/example-origin/server';
import { OutboxStore } from '@conductor/sdk/outbox';
import { eventually } from '../support/eventually.ts';
import { edgePost, originPost, signedPurge } from '../support/http.ts';
import { OPS } from '../support/operations.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { createTenant } from '../support/tenants.ts';

// A purge webhook that cannot reach the edge must not be lost: the origin's outbox holds it and
// delivers it once the edge is back, also when the origin itself restarted in between.
// The edge persists its Durable Object and Cache API state, so what it cached before going down is
// still there after a restart: without the delivered purge, the renamed entity would stay a HIT.
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ persistEdge: true });
});
afterAll(async () => {
  await stack?.stop();
});

const DELIVERY_BOUND_MS = 30_000;
const read = (token: string, id: string) => edgePost(stack, token, { documentId: OPS.EntityById.documentId, variables: { id } });

async function warm(token: string, id: string): Promise<string> {
  const miss = await read(token, id);
  expect(miss.cache, miss.text).toBe('MISS');
  const hit = await read(token, id);
  expect(hit.cache).toBe('HIT');
  return hit.body.data.entity.name;
}

/** The mutation goes to the origin directly: the edge is down, the origin is what the client still reaches. */
async function renameAtOrigin(token: string, id: string, name: string) {
  const res = await originPost(stack, token, OPS.UpdateEntity.body, { id, name });
  expect(res.status, res.text).toBe(200);
  return res.body as { data: { updateEntity: { name: string } }; extensions: { purge: { status: string; purges: Array<{ status: string; purgeId: string; code?: string }> } } };
}

/** The edge dedupes purgeIds: a replay answered `duplicate: true` proves this exact purge was applied. */
async function expectApplied(tenant: string, purgeId: string): Promise<void> {
  const replay = await signedPurge(stack, { purgeId, tenant, all: true });
  expect(replay.status, replay.text).toBe(200);
  expect(replay.body.duplicate).toBe(true);
}

describe('edge unreachable while a mutation runs', () => {
  it('the outbox holds the purge and delivers it when the edge is back; reads are then fresh (MISS, then HIT)', async () => {
    const t = await createTenant(stack, { prefix: 'chaos' });
    const oldName = await warm(t.token, '21');
    await warm(t.token, '22');
    const deliveredBefore = stack.origin.outboxStats().delivered;

    await stack.components.stop('edge');
    const mutation = await renameAtOrigin(t.token, '21', 'after the outage');

    // The write is answered anyway, after the wait bound, with the purge reported pending.
    expect(mutation.data.updateEntity.name).toBe(`${t.id} · after the outage`);
    expect(mutation.extensions.purge).toMatchObject({ status: 'pending', purges: [{ status: 'pending', code: 'EDGE_UNAVAILABLE' }] });
    const { purgeId } = mutation.extensions.purge.purges[0]!;
    expect(stack.origin.outboxStats().depth).toBe(1);

    await stack.components.start('edge');
    await eventually(async () => expect(stack.origin.outboxStats()).toMatchObject({ depth: 0, delivered: deliveredBefore + 1 }), DELIVERY_BOUND_MS);

    // The edge kept its cache across the restart: an entity the mutation did not touch is still a HIT…
    expect((await read(t.token, '22')).cache).toBe('HIT');
    // …while the renamed one misses, because the delivered purge bumped its generation.
    const after = await read(t.token, '21');
    expect(after.cache).toBe('MISS');
    expect(after.body.data.entity.name).toBe(`${t.id} · after the outage`);
    expect(after.body.data.entity.name).not.toBe(oldName);
    const again = await read(t.token, '21');
    expect(again.cache).toBe('HIT');
    expect(again.body.data.entity.name).toBe(`${t.id} · after the outage`);
    await expectApplied(t.id, purgeId);
  });
});

describe('origin restart with a purge still pending', () => {
  it('the pending purge is on disk while the origin is down and is delivered by the restarted origin', async () => {
    const t = await createTenant(stack, { prefix: 'chaos' });
    await warm(t.token, '23');

    await stack.components.stop('edge');
    const mutation = await renameAtOrigin(t.token, '23', 'before the restart');
    expect(mutation.extensions.purge.status).toBe('pending');
    const { purgeId } = mutation.extensions.purge.purges[0]!;
    await stack.components.stop('origin');

    // Nothing runs that could deliver it now: the outbox file is all that remembers the purge.
    const file = new OutboxStore(join(stack.dataDir, 'origin', OUTBOX_FILE));
    try {
      expect(file.pending().map((e) => ({ purgeId: e.purgeId, tenant: e.tenant }))).toEqual([{ purgeId, tenant: t.id }]);
    } finally {
      file.close();
    }

    await stack.components.start('edge');
    await stack.components.start('origin');
    await eventually(async () => expect(stack.origin.outboxStats()).toMatchObject({ depth: 0, delivered: 1 }), DELIVERY_BOUND_MS);

    const after = await read(t.token, '23');
    expect(after.cache).toBe('MISS');
    // The example origin keeps its graph in memory (only the outbox is durable), so a restart
    // reseeds it: the edge must now agree with what the origin itself answers.
    const direct = await originPost(stack, t.token, OPS.EntityById.body, { id: '23' });
    expect(after.body).toEqual(direct.body);
    expect((await read(t.token, '23')).cache).toBe('HIT');
    await expectApplied(t.id, purgeId);
  });
});
