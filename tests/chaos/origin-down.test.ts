import { afterAll, beforeAll, expect, it } from 'vitest';
import { documentId } from '@conductor/sdk';
import { eventually } from '../support/eventually.ts';
import { controlPlane, edgePost, errorCode, type Reply } from '../support/http.ts';
import { OPS } from '../support/operations.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { createTenant, PLATFORM_ADMIN } from '../support/tenants.ts';

// With the origin down the edge serves what it may: fresh entries as HITs, entries past their TTL
// but inside the operation's stale-if-error window as STALE (the old body), and everything else as
// a 502 ORIGIN_UNAVAILABLE error body.
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

// Two operations the origin can run, safelisted here with a 1 s TTL so the test need not wait a minute.
const WITH_SIE = { document: 'query ChaosEntityStaleIfError($id: ID!) { entity(id: $id) { id name } }', ttlSeconds: 1, staleIfErrorSeconds: 120 };
const WITHOUT_SIE = { document: 'query ChaosEntityNoStale($id: ID!) { entity(id: $id) { id name kind } }', ttlSeconds: 1, staleIfErrorSeconds: 0 };
const SETTLE_MS = 15_000;

async function safelist(op: { document: string; ttlSeconds: number; staleIfErrorSeconds: number }): Promise<string> {
  const admin = await stack.token(PLATFORM_ADMIN);
  const res = await controlPlane(stack, admin, 'POST', '/v1/safelist', { ...op, staleWhileRevalidateSeconds: 0 });
  expect(res.status, res.text).toBe(201);
  return documentId(op.document);
}

it('serves HIT inside the TTL, STALE inside stale-if-error, and a 502 JSON error otherwise', async () => {
  const sieId = await safelist(WITH_SIE);
  const plainId = await safelist(WITHOUT_SIE);
  // Created after the operations, so the config that serves the tenant already holds them.
  const t = await createTenant(stack, { prefix: 'chaos' });
  const read = (opId: string, id: string) => edgePost(stack, t.token, { documentId: opId, variables: { id } });

  const sieWarm = await read(sieId, '41');
  expect(sieWarm.cache, sieWarm.text).toBe('MISS');
  const plainWarm = await read(plainId, '42');
  expect(plainWarm.cache, plainWarm.text).toBe('MISS');
  const demoWarm = await read(OPS.EntityById.documentId, '43');
  expect(demoWarm.cache).toBe('MISS');

  await stack.components.stop('origin');

  // EntityById has a 60 s TTL: still fresh, the origin is not needed.
  const demo = await read(OPS.EntityById.documentId, '43');
  expect(demo.cache).toBe('HIT');
  expect(demo.body).toEqual(demoWarm.body);

  // Past its 1 s TTL the entry is served STALE (until then HIT), with the old body, never an error.
  await eventually(async () => {
    const r = await read(sieId, '41');
    expect(r.status, r.text).toBe(200);
    expect(r.body).toEqual(sieWarm.body);
    expect(r.cache).toBe('STALE');
  }, SETTLE_MS);

  // Without a stale-if-error window the expired entry is unusable: 502 with the shared error shape.
  await eventually(async () => expectOriginUnavailable(await read(plainId, '42')), SETTLE_MS);

  // Nothing cached at all for these variables: the same 502.
  expectOriginUnavailable(await read(sieId, '44'));

  await stack.components.start('origin');
  const back = await eventually(async () => {
    const r = await read(sieId, '41');
    expect(r.cache).toBe('MISS');
    return r;
  }, SETTLE_MS);
  // The example origin reseeds on start; entity 41 was never renamed, so the body is the same.
  expect(back.body).toEqual(sieWarm.body);
});

function expectOriginUnavailable(r: Reply): void {
  expect(r.status, r.text).toBe(502);
  expect(r.headers.get('content-type')).toMatch(/^application\/json/);
  expect(errorCode(r)).toBe('ORIGIN_UNAVAILABLE');
}
