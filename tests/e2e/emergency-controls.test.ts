import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PurgeReceiptSchema } from '@conductor/sdk';
import { controlPlane, edgePost, type Reply } from '../support/http.ts';
import { OPS } from '../support/operations.ts';
import { eventually } from '../support/eventually.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { createTenant, EDGE_CONFIG_BOUND_MS, PLATFORM_ADMIN } from '../support/tenants.ts';

// The seed's backout plan, through the real worker in workerd, origin and control plane: each
// emergency control is one call, audited, and takes effect at the edge within the 5 s config bound.
let stack: TestStack;
let admin: string;
beforeAll(async () => {
  stack = await startTestStack();
  admin = await stack.token(PLATFORM_ADMIN);
});
afterAll(async () => {
  await stack?.stop();
});

const read = (token: string, op: 'EntityById' | 'Entities', id: string) =>
  edgePost(stack, token, { documentId: OPS[op].documentId, variables: op === 'EntityById' ? { id } : { limit: Number(id) } });

/** Polls until the edge answers with the expected x-cache, up to the 5 s config bound. */
async function becomes(check: () => Promise<Reply>, expected: (cache: string | null) => boolean, what: string): Promise<Reply> {
  return eventually(async () => {
    const r = await check();
    expect(r.status, r.text).toBe(200);
    if (!expected(r.cache)) throw new Error(`${what}: x-cache is still ${r.cache}`);
    return r;
  }, EDGE_CONFIG_BOUND_MS);
}

async function lastAudit(action: string): Promise<Record<string, unknown> | undefined> {
  const res = await controlPlane(stack, admin, 'GET', '/v1/audit?limit=200');
  expect(res.status, res.text).toBe(200);
  const entries = (res.body as { entries: { action: string }[] }).entries;
  return entries.find((e) => e.action === action) as Record<string, unknown> | undefined;
}

describe('emergency controls', () => {
  it('switches caching off for one operation while others keep caching, then back on', async () => {
    const t = await createTenant(stack);
    expect((await read(t.token, 'EntityById', '21')).cache).toBe('MISS');
    expect((await read(t.token, 'EntityById', '21')).cache).toBe('HIT');
    expect((await read(t.token, 'Entities', '5')).cache).toBe('MISS');

    const off = await controlPlane(stack, admin, 'PUT', '/v1/cache/controls/operations/EntityById/caching', { enabled: false });
    expect(off.status, off.text).toBe(200);
    const bypass = await becomes(() => read(t.token, 'EntityById', '21'), (c) => c === 'BYPASS', 'EntityById after switching it off');
    expect(bypass.body.data.entity.id).toBe('21');
    expect((await read(t.token, 'EntityById', '22')).cache).toBe('BYPASS');
    // Other operations keep caching.
    expect((await read(t.token, 'Entities', '5')).cache).toBe('HIT');
    expect(await lastAudit('cache.operation.caching.set')).toMatchObject({ target: 'operation:EntityById', actor: PLATFORM_ADMIN.sub });

    const on = await controlPlane(stack, admin, 'PUT', '/v1/cache/controls/operations/EntityById/caching', { enabled: true });
    expect(on.status, on.text).toBe(200);
    await becomes(() => read(t.token, 'EntityById', '21'), (c) => c === 'HIT' || c === 'MISS', 'EntityById after switching it back on');
    expect((await read(t.token, 'EntityById', '21')).cache).toBe('HIT');
  });

  it('switches caching off for everything, then back on', async () => {
    const t = await createTenant(stack);
    expect((await read(t.token, 'Entities', '7')).cache).toBe('MISS');
    expect((await read(t.token, 'Entities', '7')).cache).toBe('HIT');

    const off = await controlPlane(stack, admin, 'PUT', '/v1/cache/controls/caching', { enabled: false });
    expect(off.status, off.text).toBe(200);
    await becomes(() => read(t.token, 'Entities', '7'), (c) => c === 'BYPASS', 'Entities after the global switch');
    expect((await read(t.token, 'EntityById', '31')).cache).toBe('BYPASS');
    expect((await read(t.token, 'EntityById', '31')).cache).toBe('BYPASS');
    expect(await lastAudit('cache.caching.set')).toMatchObject({ target: 'edge:caching', payload: { after: { cachingEnabled: false } } });

    const on = await controlPlane(stack, admin, 'PUT', '/v1/cache/controls/caching', { enabled: true });
    expect(on.status, on.text).toBe(200);
    await becomes(() => read(t.token, 'EntityById', '31'), (c) => c === 'MISS' || c === 'HIT', 'EntityById after the global switch is back on');
    expect((await read(t.token, 'EntityById', '31')).cache).toBe('HIT');
  });

  it("purges everything a tenant has cached with one admin call, and only that tenant's", async () => {
    const t = await createTenant(stack);
    const other = await createTenant(stack);
    for (const tenant of [t, other]) {
      expect((await read(tenant.token, 'EntityById', '41')).cache).toBe('MISS');
      expect((await read(tenant.token, 'Entities', '3')).cache).toBe('MISS');
    }
    const tenantAdminToken = await stack.token({ tenant: t.id, sub: `user:admin@${t.id}`, scopes: ['admin.write'] });
    const res = await controlPlane(stack, tenantAdminToken, 'POST', '/v1/purge', { tenant: t.id, all: true });
    expect(res.status, res.text).toBe(200);
    expect(PurgeReceiptSchema.parse(res.body)).toMatchObject({ tenant: t.id, tags: ['*'], duplicate: false });
    // Purge-to-visible is bounded under a second (ADR 0001); the receipt means it is already applied.
    expect((await read(t.token, 'EntityById', '41')).cache).toBe('MISS');
    expect((await read(t.token, 'Entities', '3')).cache).toBe('MISS');
    expect((await read(other.token, 'EntityById', '41')).cache).toBe('HIT');
    expect(await lastAudit('cache.purge')).toMatchObject({ tenantId: t.id, target: `purge:${(res.body as { purgeId: string }).purgeId}` });
  });
});
