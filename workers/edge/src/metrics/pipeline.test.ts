import { beforeAll, describe, expect, it } from 'vitest';
import type { EdgeConfig } from '@conductor/schema/contracts/edge-config';
import { FakeControlPlane } from '../../test/fake-control-plane.ts';
import { FakeOrigin } from '../../test/fake-origin.ts';
import { demoConfig, lookupsCompleted, opByName, settle, signer, testContext, type Signer, type TestContext } from '../../test/fixtures.ts';
import { indexConfig } from '../config/config-index.ts';
import { handleGraphQL } from '../graphql/handle-graphql.ts';
import { flushMetrics } from './flush.ts';
import { observed } from './observe.ts';

// Requests through the handler and the entry's recording wrapper, batches to a stand-in for
// POST /v1/metrics/edge that validates them against the contract.
let config: EdgeConfig;
let keys: Signer;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  config = await demoConfig();
  keys = await signer();
  for (const t of ['acme', 'globex', 'umbrella']) tokens[t] = await keys.token({ tenant: t });
});

async function setup(): Promise<{ cx: TestContext; origin: FakeOrigin; controlPlane: FakeControlPlane }> {
  const origin = new FakeOrigin();
  const controlPlane = new FakeControlPlane('test-control-plane-token');
  const cx = await testContext(indexConfig(config), keys.keys, { origin: origin.fetch, controlPlane: controlPlane.fetch });
  return { cx, origin, controlPlane };
}

function request(cx: TestContext, body: unknown, token: string | undefined): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const req = new Request('https://edge.test/graphql', { method: 'POST', headers, body: JSON.stringify(body) });
  return observed(cx, (trace) => handleGraphQL(req, cx, undefined, trace));
}

describe('edge metrics end to end in workerd', () => {
  it('per-status counts, origin latency only where the origin was asked, bytes; unattributed requests left out', async () => {
    const { cx, origin, controlPlane } = await setup();
    const byId = opByName(config, 'EntityById');
    const read = (id: string) => request(cx, { documentId: byId.id, variables: { id } }, tokens.acme);

    const miss = await read('m1');
    expect(miss.headers.get('x-cache')).toBe('MISS');
    const missBytes = (await miss.arrayBuffer()).byteLength;
    for (let i = 0; i < 2; i++) expect((await read('m1')).headers.get('x-cache')).toBe('HIT');
    const arrived = lookupsCompleted(cx);
    origin.hold();
    const burst = [read('m2'), read('m2'), read('m2')];
    await arrived(3);
    origin.release();
    expect((await Promise.all(burst)).map((r) => r.headers.get('x-cache')).sort()).toEqual(['COALESCED', 'COALESCED', 'MISS']);
    const adhoc = '{ entities(limit: 1) { id } }';
    expect((await request(cx, { query: adhoc }, tokens.acme)).headers.get('x-cache')).toBe('BYPASS');
    // An edge error after the tenant is known is still that tenant's request.
    expect((await request(cx, { query: adhoc }, tokens.globex)).status).toBe(403);
    // No verified tenant, or one this edge does not serve: not attributed.
    expect((await request(cx, { query: adhoc }, undefined)).status).toBe(401);
    expect((await request(cx, { query: adhoc }, tokens.umbrella)).status).toBe(403);

    await settle(cx);
    await flushMetrics(cx.metrics, cx.metricsTarget);
    const series = controlPlane.series();
    const sum = (tenant: string, status: string) => {
      const matching = series.filter((s) => s.tenant === tenant && s.status === status);
      const bucketTotal = matching.flatMap((s) => Object.values(s.total.buckets)).reduce((a, b) => a + b, 0);
      return {
        count: matching.reduce((a, s) => a + s.total.count, 0),
        bucketTotal,
        origin: matching.some((s) => s.origin) ? matching.reduce((a, s) => a + (s.origin?.count ?? 0), 0) : null,
        bytes: matching.reduce((a, s) => a + s.bytes, 0),
        ops: [...new Set(matching.map((s) => s.opName))],
      };
    };
    expect(sum('acme', 'MISS')).toMatchObject({ count: 2, bucketTotal: 2, origin: 2, ops: ['EntityById'] });
    expect(sum('acme', 'HIT')).toMatchObject({ count: 2, bucketTotal: 2, origin: null, bytes: 2 * missBytes });
    expect(sum('acme', 'COALESCED')).toMatchObject({ count: 2, bucketTotal: 2, origin: null });
    expect(sum('acme', 'BYPASS')).toMatchObject({ count: 1, origin: 1 });
    expect(sum('globex', 'BYPASS')).toMatchObject({ count: 1, origin: null });
    expect(series.every((s) => s.tenant === 'acme' || s.tenant === 'globex')).toBe(true);
    expect(series.find((s) => s.tenant === 'globex')!.opId).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('a failed send is retried with the same batchId and counted once', async () => {
    const { cx, controlPlane } = await setup();
    controlPlane.failNext = 1;
    expect((await request(cx, { query: '{ entities(limit: 1) { id } }' }, tokens.acme)).status).toBe(200);
    await settle(cx); // the first record triggers a flush: it fails
    expect(controlPlane.attempts).toHaveLength(1);
    expect(controlPlane.received).toHaveLength(0);
    await flushMetrics(cx.metrics, cx.metricsTarget);
    expect(controlPlane.attempts).toEqual([controlPlane.attempts[0], controlPlane.attempts[0]]);
    expect(controlPlane.received.map((b) => b.batchId)).toEqual([controlPlane.attempts[0]]);
    expect(controlPlane.series()).toMatchObject([{ tenant: 'acme', status: 'BYPASS', total: { count: 1 } }]);
  });
});
