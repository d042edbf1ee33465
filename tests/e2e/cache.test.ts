import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentId } from '@conductor/sdk';
import { controlPlane, edgeGet, edgePost } from '../support/http.ts';
import { OPS } from '../support/operations.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { eventually } from '../support/eventually.ts';
import { createTenant, EDGE_CONFIG_BOUND_MS, PLATFORM_ADMIN, uniqueTenantId } from '../support/tenants.ts';

// Acceptance 3 of issue 2, through the real worker in workerd with the real origin and control plane.
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const readEntity = (token: string, id: string) => edgePost(stack, token, { documentId: OPS.EntityById.documentId, variables: { id } });

/** Publishes a new safelist entry (a unique document, so parallel suites never share it). */
async function publish(document: string, ttlSeconds: number): Promise<{ id: string }> {
  const admin = await stack.token(PLATFORM_ADMIN);
  const res = await controlPlane(stack, admin, 'POST', '/v1/safelist', { document, ttlSeconds, scope: 'tenant' });
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string };
}

describe('read-through cache', () => {
  it('serves a persisted query from the origin first, then from the cache', async () => {
    const t = await createTenant(stack);
    const first = await readEntity(t.token, '1');
    expect(first.status).toBe(200);
    expect(first.cache).toBe('MISS');
    expect(first.body.data.entity.id).toBe('1');

    const second = await readEntity(t.token, '1');
    expect(second.cache).toBe('HIT');
    expect(second.body).toEqual(first.body);
    expect(Number(second.headers.get('age'))).toBeGreaterThanOrEqual(0);
  });

  it('keys APQ hashes, documentIds and GET requests of the same operation alike', async () => {
    const t = await createTenant(stack);
    expect((await readEntity(t.token, '2')).cache).toBe('MISS');
    const apq = await edgePost(stack, t.token, {
      variables: { id: '2' },
      extensions: { persistedQuery: { version: 1, sha256Hash: OPS.EntityById.hash } },
    });
    expect(apq.status).toBe(200);
    expect(apq.cache).toBe('HIT');
    const get = await edgeGet(stack, t.token, { documentId: OPS.EntityById.documentId, variables: JSON.stringify({ id: '2' }) });
    expect(get.status).toBe(200);
    expect(get.cache).toBe('HIT');
    expect(get.body).toEqual(apq.body);
  });

  it('treats reordered variables as the same key', async () => {
    const t = await createTenant(stack);
    const name = `PairProbe_${uniqueTenantId('x').replace(/-/g, '_')}`;
    const doc = `query ${name}($a: ID!, $b: ID!) { a: entity(id: $a) { id name } b: entity(id: $b) { id name } }`;
    await publish(doc, 60);
    const id = await documentId(doc);
    const first = await eventually(async () => {
      const r = await edgePost(stack, t.token, { documentId: id, variables: { a: '3', b: '4' } });
      if (r.cache !== 'MISS') throw new Error(`not safelisted at the edge yet: ${r.status} ${r.cache} ${r.text}`);
      return r;
    }, EDGE_CONFIG_BOUND_MS);
    expect(first.body.data.a.id).toBe('3');
    // Same variables, other key order, sent as a raw string so the order reaches the edge as written.
    const reordered = await edgePost(stack, t.token, `{"variables":{"b":"4","a":"3"},"documentId":"${id}"}`);
    expect(reordered.cache).toBe('HIT');
    expect(reordered.body).toEqual(first.body);
    const other = await edgePost(stack, t.token, { documentId: id, variables: { a: '4', b: '3' } });
    expect(other.cache).toBe('MISS');
  });
});

describe('what is never cached', () => {
  it('passes unsafelisted queries through as BYPASS for a non-strict tenant', async () => {
    const t = await createTenant(stack);
    const adhoc = { query: 'query Adhoc($id: ID!) { entity(id: $id) { id name kind } }', variables: { id: '5' } };
    for (let i = 0; i < 2; i++) {
      const r = await edgePost(stack, t.token, adhoc);
      expect(r.status).toBe(200);
      expect(r.cache).toBe('BYPASS');
      expect(r.body.data.entity.id).toBe('5');
    }
  });

  it('rejects unsafelisted queries for a strict tenant with 403 PERSISTED_QUERY_NOT_IN_LIST', async () => {
    const t = await createTenant(stack, { strictSafelist: true });
    const r = await edgePost(stack, t.token, { query: '{ entities(limit: 1) { id } }' });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    // Safelisted operations still work for that tenant.
    expect((await readEntity(t.token, '6')).status).toBe(200);
  });

  it('does not cache a response carrying errors (unknown entity)', async () => {
    const t = await createTenant(stack);
    for (let i = 0; i < 2; i++) {
      const r = await readEntity(t.token, 'no-such-entity');
      expect(r.status).toBe(200);
      expect(r.body.errors?.length).toBeGreaterThan(0);
      expect(r.cache).not.toBe('HIT');
    }
  });

  it('does not cache an origin response marked no-store (a query selecting viewer)', async () => {
    const t = await createTenant(stack);
    const name = `ViewerProbe_${uniqueTenantId('x').replace(/-/g, '_')}`;
    const doc = `query ${name} { viewer { __typename } }`;
    await publish(doc, 60);
    const id = await documentId(doc);
    await eventually(async () => {
      const r = await edgePost(stack, t.token, { documentId: id });
      if (r.status !== 200 || r.cache === 'BYPASS') throw new Error(`not safelisted at the edge yet: ${r.status} ${r.cache}`);
    }, EDGE_CONFIG_BOUND_MS);
    const again = await edgePost(stack, t.token, { documentId: id });
    expect(again.status).toBe(200);
    expect(again.body.data.viewer.__typename).toBeTruthy();
    expect(again.cache).not.toBe('HIT');
  });
});

describe('APQ registration (Apollo client flow)', () => {
  it('answers PERSISTED_QUERY_NOT_FOUND for an unknown hash, then accepts query and hash', async () => {
    const t = await createTenant(stack);
    const query = `query ApqProbe { entities(limit: 2) { id name } }`;
    const hash = (await documentId(query)).slice('sha256:'.length);
    const ext = { persistedQuery: { version: 1, sha256Hash: hash } };

    const miss = await edgePost(stack, t.token, { extensions: ext });
    expect(miss.status).toBe(200);
    expect(miss.body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');

    const register = await edgePost(stack, t.token, { query, extensions: ext });
    expect(register.status).toBe(200);
    expect(register.body.data.entities).toHaveLength(2);

    const hashOnly = await edgePost(stack, t.token, { extensions: ext });
    expect(hashOnly.status).toBe(200);
    expect(hashOnly.body.data).toEqual(register.body.data);
  });
});

describe('mutations through the edge', () => {
  it('are never cached and invalidate the queries the map links to them', async () => {
    const t = await createTenant(stack);
    const list = () => edgePost(stack, t.token, { documentId: OPS.Entities.documentId, variables: { limit: 10 } });
    expect((await readEntity(t.token, '7')).cache).toBe('MISS');
    expect((await readEntity(t.token, '7')).cache).toBe('HIT');
    expect((await list()).cache).toBe('MISS');
    expect((await list()).cache).toBe('HIT');

    const newName = `renamed-${t.id}`;
    for (let i = 0; i < 2; i++) {
      const m = await edgePost(stack, t.token, { documentId: OPS.UpdateEntity.documentId, variables: { id: '7', name: newName } });
      expect(m.status).toBe(200);
      expect(m.body.data.updateEntity.name).toBe(newName);
      expect(m.cache).not.toBe('HIT');
      expect(m.cache).not.toBe('MISS');
    }

    const after = await readEntity(t.token, '7');
    expect(after.cache).toBe('MISS');
    expect(after.body.data.entity.name).toBe(newName);
    const listAfter = await list();
    expect(listAfter.cache).toBe('MISS');
    expect(listAfter.body.data.entities.find((e: { id: string }) => e.id === '7').name).toBe(newName);
    // An entity the selector does not name keeps its cached entry.
    expect((await readEntity(t.token, '1')).cache).toBe('MISS');
    expect((await readEntity(t.token, '1')).cache).toBe('HIT');
  });
});

describe('config changes reach the edge within 5 s', () => {
  it('a new safelist entry becomes cacheable, and TTL 0 stops caching it', async () => {
    const t = await createTenant(stack);
    const name = `TtlProbe_${uniqueTenantId('x').replace(/-/g, '_')}`;
    const doc = `query ${name}($id: ID!) { entity(id: $id) { id name } }`;
    const adhoc = await edgePost(stack, t.token, { query: doc, variables: { id: '8' } });
    expect(adhoc.cache).toBe('BYPASS');

    const entry = await publish(doc, 60);
    const id = await documentId(doc);
    // The bound is the guarantee: the poll fails the test if the edge takes longer than 5 s.
    await eventually(async () => {
      const r = await edgePost(stack, t.token, { documentId: id, variables: { id: '8' } });
      if (r.cache !== 'HIT') throw new Error(`not cached yet: ${r.status} ${r.cache}`);
    }, EDGE_CONFIG_BOUND_MS);

    const admin = await stack.token(PLATFORM_ADMIN);
    const patched = await controlPlane(stack, admin, 'PATCH', `/v1/safelist/${encodeURIComponent(entry.id)}`, { ttlSeconds: 0 });
    expect(patched.status, patched.text).toBe(200);
    // Each probe uses a variant never read before: once the edge has TTL 0, its second read is not a HIT.
    let variant = 10;
    await eventually(async () => {
      const vars = { id: String(variant++) };
      await edgePost(stack, t.token, { documentId: id, variables: vars });
      const again = await edgePost(stack, t.token, { documentId: id, variables: vars });
      if (again.cache === 'HIT') throw new Error('TTL 0 not applied yet');
    }, EDGE_CONFIG_BOUND_MS);
  });
});
