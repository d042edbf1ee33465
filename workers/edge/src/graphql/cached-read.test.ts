import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EdgeConfig, EdgeOperation } from '@conductor/schema/contracts/edge-config';
import { FakeOrigin } from '../../test/fake-origin.ts';
import { entityReads, entityRequest, entityUrl, lookupsCompleted, settle, testContext, type Signer, type TestContext } from '../../test/fixtures.ts';
import { retentionSeconds } from '../cache/stale-policy.ts';
import { indexConfig, type ConfigIndex } from '../config/config-index.ts';
import { toErrorResponse } from '../http/errors.ts';
import { handleGraphQL } from './handle-graphql.ts';

// The read path against a test origin that counts what reaches it. EntityById has the demo
// policy's windows: TTL 60 s, stale-while-revalidate 30 s, stale-if-error 300 s.
let config: EdgeConfig;
let index: ConfigIndex;
let keys: Signer;
let token: string;
let op: EdgeOperation;
let origin: FakeOrigin;
let cx: TestContext;

beforeAll(async () => {
  ({ config, index, keys, token, op } = await entityReads());
  expect([op.ttlSeconds, op.staleWhileRevalidateSeconds, op.staleIfErrorSeconds]).toEqual([60, 30, 300]);
});

beforeEach(async () => {
  origin = new FakeOrigin();
  cx = await testContext(index, keys.keys, { origin: origin.fetch, settings: { originTimeoutMs: 200 } });
});

async function read(id: string, context = cx): Promise<Response> {
  const req = entityRequest(op, token, id);
  try {
    return await handleGraphQL(req, context, undefined, { originMs: null });
  } catch (err) {
    return toErrorResponse(err);
  }
}

async function summary(res: Response): Promise<{ status: number; cache: string | null; body: unknown }> {
  return { status: res.status, cache: res.headers.get('x-cache'), body: await res.json() };
}

/** The URL the edge computes for acme's EntityById(id) right now, as the handler does. */
const urlOf = (id: string) => entityUrl(cx, index, op, id);

/** Stores an entry for EntityById(id) as if it had been filled `ageSeconds` ago. */
async function storeAged(id: string, ageSeconds: number, body = `{"data":{"old":"${id}"}}`): Promise<void> {
  const stored = { body, contentType: 'application/json', originCacheControl: null, bytes: body.length };
  await cx.responses.store(await urlOf(id), stored, op.ttlSeconds, retentionSeconds(op), Date.now() - ageSeconds * 1000).written;
}

const purgeEntity = (id: string) => cx.generations.bump('acme', `test-purge-${crypto.randomUUID()}`, [`op:${op.id}|id="${id}"`]);


describe('request coalescing', () => {
  it('N concurrent misses for one URL make one origin request; the others answer COALESCED with its body', async () => {
    const arrived = lookupsCompleted(cx);
    origin.hold();
    const pending = Array.from({ length: 6 }, () => read('c1'));
    await arrived(6);
    origin.release();
    const results = await Promise.all(pending.map(async (p) => summary(await p)));
    expect(origin.requests).toBe(1);
    expect(results.filter((r) => r.cache === 'MISS')).toHaveLength(1);
    expect(results.filter((r) => r.cache === 'COALESCED')).toHaveLength(5);
    for (const r of results) expect(r).toMatchObject({ status: 200, body: { data: { n: 1 } } });
    expect(cx.inFlight.size).toBe(0);
    expect((await summary(await read('c1'))).cache).toBe('HIT');
  });

  it.each(['no-store', 'error-500', 'down'] as const)(
    'a leader answer that is not storable (%s) is not shared: each waiter asks the origin itself',
    async (mode) => {
      const arrived = lookupsCompleted(cx);
      origin.mode = mode;
      origin.hold();
      const pending = Array.from({ length: 3 }, () => read(`c2-${mode}`));
      await arrived(3);
      origin.release();
      const results = await Promise.all(pending.map(async (p) => summary(await p)));
      expect(origin.requests).toBe(3);
      expect(results.some((r) => r.cache === 'COALESCED')).toBe(false);
      if (mode === 'no-store') {
        // Three answers, each to the request that asked for it.
        expect(results.map((r) => (r.body as { data: { n: number } }).data.n).sort()).toEqual([1, 2, 3]);
      }
      if (mode === 'down') for (const r of results) expect(r).toMatchObject({ status: 502, body: { error: { code: 'ORIGIN_UNAVAILABLE' } } });
      if (mode === 'error-500') for (const r of results) expect(r).toMatchObject({ status: 500, cache: 'MISS' });
    },
  );

  it('a request after a purge never joins a flight that began before it', async () => {
    const arrived = lookupsCompleted(cx);
    origin.hold();
    const before = read('c3');
    await arrived(1);
    await purgeEntity('c3');
    const after = read('c3');
    await arrived(2);
    origin.release();
    const [a, b] = [await summary(await before), await summary(await after)];
    expect(origin.requests).toBe(2);
    expect([a.cache, b.cache]).toEqual(['MISS', 'MISS']);
    expect(b.body).not.toEqual(a.body);
  });
});

describe('stale-while-revalidate', () => {
  it('answers STALE at once and refreshes once in the background; the next read is a HIT of the new answer', async () => {
    await storeAged('s1', 65);
    origin.hold();
    const stale = await Promise.all([read('s1'), read('s1'), read('s1')]);
    for (const res of stale) {
      expect(res.headers.get('x-cache')).toBe('STALE');
      expect(res.headers.get('x-conductor-stale')).toBe('revalidating');
      expect(Number(res.headers.get('age'))).toBeGreaterThanOrEqual(65);
      expect(await res.json()).toEqual({ data: { old: 's1' } });
    }
    origin.release();
    await settle(cx);
    expect(origin.requests).toBe(1);
    expect(await summary(await read('s1'))).toMatchObject({ cache: 'HIT', body: { data: { n: 1 } } });
  });

  it('a failed background refresh leaves the stale entry in place', async () => {
    await storeAged('s2', 65);
    origin.mode = 'down';
    expect((await read('s2')).headers.get('x-cache')).toBe('STALE');
    await settle(cx);
    expect(await summary(await read('s2'))).toMatchObject({ cache: 'STALE', body: { data: { old: 's2' } } });
  });
});

describe('stale-if-error', () => {
  // 60 s past the TTL: outside stale-while-revalidate (30 s), inside stale-if-error (300 s).
  it.each(['down', 'error-500', 'hang'] as const)('origin %s → the stale entry, marked', async (mode) => {
    await storeAged(`e1-${mode}`, 120);
    origin.mode = mode;
    const res = await read(`e1-${mode}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-cache')).toBe('STALE');
    expect(res.headers.get('x-conductor-stale')).toBe('origin-error');
    expect(res.headers.get('warning')).toMatch(/^111 /);
    expect(await res.json()).toEqual({ data: { old: `e1-${mode}` } });
    expect(origin.requests).toBe(1);
  });

  it('origin healthy → its fresh answer (MISS), stored', async () => {
    await storeAged('e2', 120);
    expect(await summary(await read('e2'))).toMatchObject({ cache: 'MISS', body: { data: { n: 1 } } });
    expect(await summary(await read('e2'))).toMatchObject({ cache: 'HIT', body: { data: { n: 1 } } });
  });

  it('outside every window an origin failure is an error: 502 ORIGIN_UNAVAILABLE, 504 ORIGIN_TIMEOUT', async () => {
    // 390 s old: past TTL + 300 s, so the entry is no longer kept at all.
    await storeAged('e3', 390);
    origin.mode = 'down';
    expect(await summary(await read('e3'))).toMatchObject({ status: 502, body: { error: { code: 'ORIGIN_UNAVAILABLE' } } });
    origin.mode = 'hang';
    expect(await summary(await read('e3'))).toMatchObject({ status: 504, body: { error: { code: 'ORIGIN_TIMEOUT' } } });
  });
});

describe('a purge is never undone by stale serving', () => {
  it.each([
    ['stale-while-revalidate', 65],
    ['stale-if-error', 120],
  ] as const)('entry in its %s window, purge: origin down → 502, origin up → MISS with fresh data', async (_window, age) => {
    const id = `p-${age}`;
    await storeAged(id, age);
    await purgeEntity(id);
    origin.mode = 'down';
    expect(await summary(await read(id))).toMatchObject({ status: 502, body: { error: { code: 'ORIGIN_UNAVAILABLE' } } });
    origin.mode = 'ok';
    expect(await summary(await read(id))).toMatchObject({ status: 200, cache: 'MISS', body: { data: { n: 2 } } });
  });
});

describe('caching switches', () => {
  async function switched(change: (c: EdgeConfig) => EdgeConfig): Promise<TestContext> {
    return testContext(indexConfig(change(config)), keys.keys, { origin: origin.fetch });
  }

  it.each([
    ['global cachingEnabled: false', (c: EdgeConfig) => ({ ...c, cachingEnabled: false })],
    [
      'the operation’s cachingEnabled: false',
      (c: EdgeConfig) => ({ ...c, safelist: c.safelist.map((o) => (o.name === 'EntityById' ? { ...o, cachingEnabled: false } : o)) }),
    ],
  ])('%s → every read goes to the origin as BYPASS, even over a fresh entry', async (_name, change) => {
    await storeAged('w1', 1);
    const off = await switched(change);
    // Same cache as cx: the fresh entry exists, and must not be served.
    Object.assign(off, { responses: cx.responses });
    for (let i = 1; i <= 2; i++) {
      expect(await summary(await read('w1', off))).toMatchObject({ status: 200, cache: 'BYPASS', body: { data: { n: i } } });
    }
    expect(origin.requests).toBe(2);
  });

  it('with caching off, strict tenants still run only safelisted operations', async () => {
    const off = await switched((c) => ({ ...c, cachingEnabled: false }));
    const req = new Request('https://edge.test/graphql', {
      method: 'POST',
      headers: { authorization: `Bearer ${await keys.token({ tenant: 'globex' })}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ entities(limit: 1) { id } }' }),
    });
    const res = await handleGraphQL(req, off, undefined, { originMs: null }).catch(toErrorResponse);
    expect(await summary(res)).toMatchObject({ status: 403, body: { error: { code: 'PERSISTED_QUERY_NOT_IN_LIST' } } });
    expect(origin.requests).toBe(0);
  });
});
