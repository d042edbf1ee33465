import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyHistogram, quantile, type Histogram } from '@conductor/schema/contracts/latency-histogram';
import { edgeLatencyBuckets, purgeReceipts } from '@conductor/schema/metrics';
import { isEdgeServed } from '@conductor/schema/contracts/edge-metrics';
import { controlPlane, edgePost } from '../support/http.ts';
import { OPS } from '../support/operations.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { eventually } from '../support/eventually.ts';
import { createTenant } from '../support/tenants.ts';

// Reports over real traffic: the example origin behind the edge in workerd, the edge shipping its
// metrics to the control plane (METRICS_FLUSH_MS, 10 s in wrangler.toml), reports read back.
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

/** Edge metric flushes run every 10 s (plus a delayed flush riding on a request); leave room for two. */
const FLUSHED_WITHIN_MS = 45_000;

describe('reports over edge traffic', () => {
  it('count what clients saw, and read quantiles from the stored buckets', async () => {
    const tenant = await createTenant(stack);
    const admin = await stack.token({ tenant: tenant.id, sub: `user:admin@${tenant.id}`, scopes: ['admin.write'] });
    const from = new Date(Date.now() - 60_000).toISOString();

    // Entities with five different limits: a MISS each, then HITs; a mutation through the edge
    // purges every Entities variant (invalidation map: updateEntity → Entities, no selector), so
    // the next round misses again. The client's x-cache headers are the ground truth.
    const observed: Record<string, number> = {};
    const read = async (limit: number) => {
      const r = await edgePost(stack, tenant.token, { documentId: OPS.Entities.documentId, variables: { limit } });
      expect(r.status, r.text).toBe(200);
      observed[r.cache!] = (observed[r.cache!] ?? 0) + 1;
    };
    for (let round = 0; round < 3; round++) for (let limit = 1; limit <= 5; limit++) await read(limit);
    const mutation = await edgePost(stack, tenant.token, { documentId: OPS.UpdateEntity.documentId, variables: { id: '3', name: 'Renamed for reports' } });
    expect(mutation.status, mutation.text).toBe(200);
    for (let round = 0; round < 2; round++) for (let limit = 1; limit <= 5; limit++) await read(limit);
    expect(observed.MISS).toBeGreaterThanOrEqual(10);
    expect(observed.HIT).toBeGreaterThanOrEqual(10);
    const requests = Object.values(observed).reduce((a, b) => a + b, 0);

    // An admin purge through the control plane: the edge must acknowledge it in a later flush.
    const purge = await controlPlane(stack, admin, 'POST', '/v1/purge', { tenant: tenant.id, all: true });
    expect(purge.status, purge.text).toBe(200);

    const query = () => `tenant=${tenant.id}&op=Entities&from=${from}&to=${new Date(Date.now() + 60_000).toISOString()}`;
    const report = await eventually(async () => {
      const r = await controlPlane(stack, admin, 'GET', `/v1/reports/p95-delta?${query()}`);
      expect(r.status, r.text).toBe(200);
      expect(r.body.rows).toHaveLength(1);
      expect(r.body.rows[0].requests).toBe(requests);
      return r.body.rows[0];
    }, FLUSHED_WITHIN_MS, 500);

    expect(report.opId).toBe(OPS.Entities.documentId);
    expect(report.opName).toBe('Entities');
    expect(report.statuses).toEqual({ HIT: 0, MISS: 0, BYPASS: 0, STALE: 0, COALESCED: 0, ...observed });
    const hits = Object.entries(observed).reduce((n, [status, count]) => n + (isEdgeServed(status as never) ? count : 0), 0);
    expect(report.hitRatio).toBeCloseTo(hits / requests, 12);

    // The quantiles are those of the buckets the control plane stored for this tenant and operation.
    const rows = await stack.controlPlane.db
      .select()
      .from(edgeLatencyBuckets)
      .where(and(eq(edgeLatencyBuckets.tenantId, tenant.id), eq(edgeLatencyBuckets.opId, OPS.Entities.documentId)));
    const edgeServed = emptyHistogram();
    const origin = emptyHistogram();
    const served = emptyHistogram();
    const add = (h: Histogram, bucket: number, count: number) => {
      h.buckets[String(bucket)] = (h.buckets[String(bucket)] ?? 0) + count;
      h.count += count;
    };
    for (const b of rows) {
      if (b.series === 'origin') add(origin, b.bucket, b.count);
      else {
        add(served, b.bucket, b.count);
        if (isEdgeServed(b.status)) add(edgeServed, b.bucket, b.count);
      }
    }
    expect(served.count).toBe(requests);
    expect(origin.count).toBe(observed.MISS);
    for (const [name, h] of [['edgeServed', edgeServed], ['origin', origin], ['served', served]] as const) {
      expect(report[name].count).toBe(h.count);
      expect(report[name].p50Ms).toBeCloseTo(quantile(h, 0.5)!, 9);
      expect(report[name].p95Ms).toBeCloseTo(quantile(h, 0.95)!, 9);
      expect(report[name].p99Ms).toBeCloseTo(quantile(h, 0.99)!, 9);
    }
    // The example origin sleeps 30 ms per request: every origin fetch takes at least that (±1% bucket precision).
    expect(report.origin.p50Ms).toBeGreaterThanOrEqual(30 * 0.99);
    expect(report.p95DeltaMs).toBeCloseTo(report.origin.p95Ms - report.served.p95Ms, 9);

    // The same figures as CSV.
    const csv = await fetch(`${stack.controlPlaneUrl}/v1/reports/p95-delta?${query()}&format=csv`, { headers: { authorization: `Bearer ${admin}` } });
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const [header, line] = (await csv.text()).trimEnd().split('\r\n');
    const cells = Object.fromEntries(line!.split(',').map((v, i) => [header!.split(',')[i], v]));
    expect(Number(cells.requests)).toBe(requests);
    expect(Number(cells.served_p95_ms)).toBe(report.served.p95Ms);

    // Invalidations. The mutation is acknowledged once or twice (the edge's own pass-through purge
    // and the origin handler's signed purge are separate receipts), each bumping Entities and
    // EntityById id=3; the admin purge is the one tenant-wide (`*`) receipt.
    const receipts = await eventually(async () => {
      const all = await stack.controlPlane.db.select().from(purgeReceipts).where(eq(purgeReceipts.tenantId, tenant.id));
      expect(all.map((r) => r.purgeId)).toContain(purge.body.purgeId);
      return all.filter((r) => !r.duplicate);
    }, FLUSHED_WITHIN_MS, 500);
    const mutationReceipts = receipts.filter((r) => r.purgeId !== purge.body.purgeId);
    expect(mutationReceipts.length).toBeGreaterThanOrEqual(1);
    const r = await controlPlane(stack, admin, 'GET', `/v1/reports/invalidations?tenant=${tenant.id}&from=${from}&to=${new Date(Date.now() + 60_000).toISOString()}&step=5`);
    expect(r.status, r.text).toBe(200);
    expect(r.body.tenants.reduce((n: number, x: { purges: number }) => n + x.purges, 0)).toBe(receipts.length);
    const perOp = (opId: string) => r.body.operations.filter((x: { opId: string }) => x.opId === opId).reduce((n: number, x: { purges: number }) => n + x.purges, 0);
    expect(perOp(OPS.Entities.documentId)).toBe(mutationReceipts.length);
    expect(perOp(OPS.EntityById.documentId)).toBe(mutationReceipts.length);
    expect(perOp('*')).toBe(1);

    // The admin purge was acknowledged, so nothing is left unacknowledged.
    const unacked = await controlPlane(stack, admin, 'GET', `/v1/reports/unacknowledged-purges?tenant=${tenant.id}&graceSeconds=0`);
    expect(unacked.body.purges).toEqual([]);
  });
});
