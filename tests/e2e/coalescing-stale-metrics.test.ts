import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { edgeMetricMinutes, purgeFailureMinutes, purgeReceipts } from '@conductor/schema/metrics';
import { documentId } from '@conductor/sdk';
import { eventually } from '../support/eventually.ts';
import { controlPlane, edgePost, newPurgeId, signedPurge } from '../support/http.ts';
import { OPS } from '../support/operations.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { createTenant, EDGE_CONFIG_BOUND_MS, PLATFORM_ADMIN, uniqueTenantId } from '../support/tenants.ts';

// Edge Cache GA through the real worker in workerd, the real origin and control plane. The origin
// is slow (400 ms) so concurrent misses overlap for certain; the last test stops the origin.
// Metrics are read back from the control plane's tables: the edge ships them every 10 s.
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ originLatencyMs: 400 });
});
afterAll(async () => {
  await stack?.stop();
});

const executed = (name: string) => stack.origin.stats().byOperation[name] ?? 0;

describe('request coalescing', () => {
  it('concurrent misses for one key reach the origin once; the others answer COALESCED with the same body', async () => {
    const t = await createTenant(stack);
    const before = executed('EntityById');
    const replies = await Promise.all(
      Array.from({ length: 8 }, () => edgePost(stack, t.token, { documentId: OPS.EntityById.documentId, variables: { id: '3' } })),
    );
    expect(executed('EntityById') - before).toBe(1);
    expect(replies.map((r) => r.cache).sort()).toEqual(['COALESCED', 'COALESCED', 'COALESCED', 'COALESCED', 'COALESCED', 'COALESCED', 'COALESCED', 'MISS']);
    for (const r of replies) {
      expect(r.status).toBe(200);
      expect(r.body).toEqual(replies[0]!.body);
    }
  });

  it('other tenants never share a flight', async () => {
    const [a, b] = [await createTenant(stack), await createTenant(stack)];
    const before = executed('EntityById');
    const replies = await Promise.all(
      [a, b, a, b].map((t) => edgePost(stack, t.token, { documentId: OPS.EntityById.documentId, variables: { id: '4' } })),
    );
    expect(executed('EntityById') - before).toBe(2);
    expect(replies[0]!.body.data.entity.name).toContain(a.id);
    expect(replies[2]!.body.data.entity.name).toContain(a.id);
    expect(replies[1]!.body.data.entity.name).toContain(b.id);
    expect(replies[3]!.body.data.entity.name).toContain(b.id);
  });
});

describe('metrics reach the control plane', () => {
  it('request counts per cache status, applied purges and refused purge requests, for the tenant', async () => {
    const t = await createTenant(stack); // its probe read is one MISS
    for (let i = 0; i < 3; i++) await edgePost(stack, t.token, { documentId: OPS.EntityById.documentId, variables: { id: '9' } });
    const purgeId = newPurgeId();
    expect((await signedPurge(stack, { purgeId, tenant: t.id, all: true })).status).toBe(200);
    expect((await signedPurge(stack, { purgeId: newPurgeId(), tenant: t.id, all: true }, { secret: 'not-the-purge-secret-0123' })).status).toBe(401);

    const db = stack.controlPlane.db;
    await eventually(async () => {
      const rows = await db.select().from(edgeMetricMinutes).where(eq(edgeMetricMinutes.tenantId, t.id));
      const by = (status: string) => rows.filter((r) => r.status === status).reduce((a, r) => a + r.requests, 0);
      expect({ MISS: by('MISS'), HIT: by('HIT') }).toEqual({ MISS: 2, HIT: 2 });
      expect(rows.every((r) => r.opName === 'EntityById' && r.opId === OPS.EntityById.documentId)).toBe(true);
      const receipts = await db.select().from(purgeReceipts).where(eq(purgeReceipts.tenantId, t.id));
      expect(receipts.map((r) => r.purgeId)).toContain(purgeId);
      const failures = await db.select().from(purgeFailureMinutes).where(eq(purgeFailureMinutes.tenantId, t.id));
      expect(failures.reduce((a, r) => a + r.count, 0)).toBe(1);
    }, 25_000, 500);
  }, 40_000);
});

describe('stale serving', () => {
  it('TTL 1 s, stale-if-error 120 s: with the origin gone the edge answers the stale entry, marked STALE', async () => {
    const t = await createTenant(stack);
    const name = `StaleProbe_${uniqueTenantId('x').replace(/-/g, '_')}`;
    const doc = `query ${name}($id: ID!) { entity(id: $id) { id name } }`;
    const admin = await stack.token(PLATFORM_ADMIN);
    const published = await controlPlane(stack, admin, 'POST', '/v1/safelist', {
      document: doc,
      ttlSeconds: 1,
      staleWhileRevalidateSeconds: 0,
      staleIfErrorSeconds: 120,
      scope: 'tenant',
    });
    expect(published.status, published.text).toBe(201);
    const id = await documentId(doc);
    const first = await eventually(async () => {
      const r = await edgePost(stack, t.token, { documentId: id, variables: { id: '5' } });
      if (r.cache !== 'MISS') throw new Error(`not cacheable at the edge yet: ${r.status} ${r.cache} ${r.text}`);
      return r;
    }, EDGE_CONFIG_BOUND_MS);
    // Past the TTL the origin is asked again (and answers): a MISS with the origin's answer.
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await edgePost(stack, t.token, { documentId: id, variables: { id: '5' } })).cache).toBe('MISS');

    await new Promise((r) => setTimeout(r, 1_100));
    await stack.origin.close();
    const stale = await edgePost(stack, t.token, { documentId: id, variables: { id: '5' } });
    expect(stale.status).toBe(200);
    expect(stale.cache).toBe('STALE');
    expect(stale.headers.get('x-conductor-stale')).toBe('origin-error');
    expect(stale.body).toEqual(first.body);
    // A key never cached has nothing stale to give: the origin's failure is the answer.
    const cold = await edgePost(stack, t.token, { documentId: id, variables: { id: '6' } });
    expect(cold.status).toBe(502);
    expect(cold.body.error.code).toBe('ORIGIN_UNAVAILABLE');
  });
});
