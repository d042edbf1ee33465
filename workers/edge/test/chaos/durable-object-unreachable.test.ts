import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EdgeOperation } from '@conductor/schema/contracts/edge-config';
import { signWebhook } from '@conductor/sdk';
import { retentionSeconds } from '../../src/cache/stale-policy.ts';
import type { ConfigIndex } from '../../src/config/config-index.ts';
import type { TenantGenerations } from '../../src/generations/tenant-generations.ts';
import { handleGraphQL } from '../../src/graphql/handle-graphql.ts';
import { toErrorResponse } from '../../src/http/errors.ts';
import { handlePurge } from '../../src/purge/hook.ts';
import { FakeOrigin } from '../fake-origin.ts';
import { entityReads, entityRequest, entityUrl, testContext, type Signer, type TestContext } from '../fixtures.ts';

/**
 * Chaos: the tenant's generations Durable Object cannot be reached (injected: every call on its
 * stub fails, as when the object is overloaded, being moved, or its host is down). Without current
 * generations no stored entry can be trusted, so the edge must fail closed: every read goes to
 * the origin as BYPASS, a fresh or stale entry is never served, nothing is stored, and a purge is
 * refused (503) rather than acknowledged; so is a purge's dry run, rather than answering a made-up count.
 *
 * Runs inside workerd: the `workers` vitest project picks up every `*.workerd.test.ts` under tests/ and the
 * `node` project excludes them.
 */
const unreachable = {
  idFromName: (name: string) => env.GENERATIONS.idFromName(name),
  get: () => ({
    read: () => Promise.reject(new Error('Durable Object unreachable (injected)')),
    bump: () => Promise.reject(new Error('Durable Object unreachable (injected)')),
    liveEntries: () => Promise.reject(new Error('Durable Object unreachable (injected)')),
  }),
} as unknown as DurableObjectNamespace<TenantGenerations>;

let index: ConfigIndex;
let keys: Signer;
let token: string;
let op: EdgeOperation;

beforeAll(async () => {
  ({ index, keys, token, op } = await entityReads());
});

/** A healthy context that stores entries, and a broken one sharing its cache and origin. */
async function contexts(): Promise<{ healthy: TestContext; broken: TestContext; origin: FakeOrigin }> {
  const origin = new FakeOrigin();
  const healthy = await testContext(index, keys.keys, { origin: origin.fetch });
  const broken = await testContext(index, keys.keys, { origin: origin.fetch, generations: unreachable });
  Object.assign(broken, { responses: healthy.responses });
  return { healthy, broken, origin };
}

async function storeAged(cx: TestContext, id: string, ageSeconds: number): Promise<string> {
  const url = await entityUrl(cx, index, op, id);
  const body = `{"data":{"cached":"${id}"}}`;
  const stored = { body, contentType: 'application/json', originCacheControl: null, bytes: body.length };
  await cx.responses.store(url, stored, op.ttlSeconds, retentionSeconds(op), Date.now() - ageSeconds * 1000).written;
  return url;
}

async function read(cx: TestContext, id: string): Promise<{ status: number; cache: string | null; body: unknown }> {
  const req = entityRequest(op, token, id);
  const res = await handleGraphQL(req, cx, undefined, { originMs: null }).catch(toErrorResponse);
  return { status: res.status, cache: res.headers.get('x-cache'), body: await res.json() };
}

describe('chaos: generations Durable Object unreachable', () => {
  it.each([
    ['fresh', 1],
    ['stale-while-revalidate', 65],
    ['stale-if-error', 120],
  ] as const)('a %s entry is never served: the read BYPASSes to the origin, nothing is stored', async (_state, age) => {
    const { healthy, broken } = await contexts();
    const id = `chaos-${age}`;
    const url = await storeAged(healthy, id, age);
    expect(await read(broken, id)).toEqual({ status: 200, cache: 'BYPASS', body: { data: { n: 1 } } });
    expect(await read(broken, id)).toEqual({ status: 200, cache: 'BYPASS', body: { data: { n: 2 } } });
    // The entry was there all along, and the bypassed answers did not replace it.
    expect((await healthy.responses.lookup(url, Date.now()))?.body).toBe(`{"data":{"cached":"${id}"}}`);
  });

  it('with the origin down too, the answer is 502, never the cached entry', async () => {
    const { healthy, broken, origin } = await contexts();
    await storeAged(healthy, 'chaos-down', 120);
    origin.mode = 'down';
    expect(await read(broken, 'chaos-down')).toMatchObject({ status: 502, body: { error: { code: 'ORIGIN_UNAVAILABLE' } } });
  });

  it('a purge is refused with 503 EDGE_UNAVAILABLE, not acknowledged', async () => {
    const { broken } = await contexts();
    const body = JSON.stringify({ purgeId: `chaos-${crypto.randomUUID()}`, tenant: 'acme', all: true });
    const signature = await signWebhook('test-purge-secret-0123456789abcdef', body);
    const req = new Request('https://edge.test/__edge/purge', { method: 'POST', headers: { 'x-conductor-signature': signature }, body });
    const res = await handlePurge(req, broken).catch(toErrorResponse);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: { code: 'EDGE_UNAVAILABLE' } });
  });

  it('a dry run is refused with 503 EDGE_UNAVAILABLE, never a made-up count', async () => {
    const { broken } = await contexts();
    const body = JSON.stringify({ tenant: 'acme', all: true, dryRun: true });
    const signature = await signWebhook('test-purge-secret-0123456789abcdef', body);
    const req = new Request('https://edge.test/__edge/purge', { method: 'POST', headers: { 'x-conductor-signature': signature }, body });
    const res = await handlePurge(req, broken).catch(toErrorResponse);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: { code: 'EDGE_UNAVAILABLE', message: 'generation store unavailable; nothing previewed' } });
  });
});
