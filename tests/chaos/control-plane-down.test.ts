import { afterAll, beforeAll, expect, it } from 'vitest';
import { CONFIG_HARD_AGE_MS } from '@conductor/edge/config/freshness';
import { edgePost, newPurgeId, signedPurge } from '../support/http.ts';
import { OPS } from '../support/operations.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { createTenant } from '../support/tenants.ts';

// The control plane is off the request path: with it down the edge keeps its last good config
// (config-store.ts) and serves hits, misses, mutations and purges as before.
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const read = (token: string, id: string) => edgePost(stack, token, { documentId: OPS.EntityById.documentId, variables: { id } });

it('keeps serving HITs and MISSes, mutations and purges with its last config while the control plane is down', async () => {
  const t = await createTenant(stack, { prefix: 'chaos' });
  expect((await read(t.token, '31')).cache).toBe('MISS');
  expect((await read(t.token, '31')).cache).toBe('HIT');

  await stack.components.stop('controlPlane');
  // Past the hard age every request would wait for a refresh; that refresh now fails, so what
  // follows is served by the last good config and not by one pulled just before the stop.
  await new Promise((r) => setTimeout(r, CONFIG_HARD_AGE_MS + 1_000));
  const health = await fetch(`${stack.edgeUrl}/__edge/health`);
  expect(health.status).toBe(200);
  await health.body?.cancel();

  const hit = await read(t.token, '31');
  expect(hit.cache).toBe('HIT');
  expect(hit.body.data.entity.name).toContain(t.id);

  const miss = await read(t.token, '32');
  expect(miss.status, miss.text).toBe(200);
  expect(miss.cache).toBe('MISS');
  expect(miss.body.data.entity.name).toContain(t.id);
  expect((await read(t.token, '32')).cache).toBe('HIT');

  // A mutation through the edge still invalidates through the last invalidation map.
  const renamed = await edgePost(stack, t.token, { documentId: OPS.UpdateEntity.documentId, variables: { id: '31', name: 'renamed while the control plane is down' } });
  expect(renamed.status, renamed.text).toBe(200);
  const fresh = await read(t.token, '31');
  expect(fresh.cache).toBe('MISS');
  expect(fresh.body.data.entity.name).toBe(`${t.id} · renamed while the control plane is down`);

  // Signed purges need no control plane either.
  const purge = await signedPurge(stack, { purgeId: newPurgeId(), tenant: t.id, opId: OPS.EntityById.documentId });
  expect(purge.status, purge.text).toBe(200);
  expect((await read(t.token, '32')).cache).toBe('MISS');
});
