import { afterAll, beforeAll, expect, it } from 'vitest';
import { edgePost, newPurgeId, signedPurge } from '../support/http.ts';
import { OPS } from '../support/operations.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { eventually } from '../support/eventually.ts';
import { createTenant } from '../support/tenants.ts';

// A slow origin widens the window between "fill started" and "fill stored"; a purge that lands inside
// it must win: the body fetched under the old generation may be returned to its own caller, never stored
// for later readers.
const ORIGIN_LATENCY_MS = 1_500;
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ originLatencyMs: ORIGIN_LATENCY_MS });
});
afterAll(async () => {
  await stack?.stop();
});

const readEntity = (token: string, id: string) => edgePost(stack, token, { documentId: OPS.EntityById.documentId, variables: { id } });

it('does not serve a fill that began before a purge', async () => {
  const t = await createTenant(stack);
  for (const id of ['21', '22', '23']) {
    const before = stack.origin.stats().requests;
    const inFlight = readEntity(t.token, id);
    // The purge must land while the origin is still working on that read.
    await eventually(async () => {
      if (stack.origin.stats().requests <= before) throw new Error('the read has not reached the origin yet');
    }, ORIGIN_LATENCY_MS / 2, 10);

    const purge = await signedPurge(stack, { purgeId: newPurgeId(), tenant: t.id, mutation: { op: 'updateEntity', variables: { id } } });
    expect(purge.status, purge.text).toBe(200);
    const first = await inFlight;
    expect(first.status).toBe(200);
    expect(first.cache).toBe('MISS');

    const next = await readEntity(t.token, id);
    expect(next.cache, `entity ${id}: the pre-purge fill was stored and served`).toBe('MISS');
    expect((await readEntity(t.token, id)).cache).toBe('HIT');
  }
});
