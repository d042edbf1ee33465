import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { documentId, sha256Hex } from '@conductor/sdk';
import { safelistedOperations } from '@conductor/schema/cache';
import type { SafelistEntry } from '@conductor/schema/contracts/cache-admin';
import { MAX_BODY_BYTES } from '../../app.ts';
import { verifyAuditChain } from '../../audit/verify.ts';
import { PLATFORM_ADMIN, startTestApp, tenantAdmin, type TestApp } from '../../testing/app.ts';
import { expectError } from '../../testing/api-error.ts';
import { auditTrail } from '../testing.ts';
import { SAFELIST_MANIFEST_MAX_BODY_BYTES, SAFELIST_MANIFEST_PATH } from './routes.ts';

const ENTITY = 'query EntityById($id: ID!) { entity(id: $id) { id name } }';
const ENTITY_V2 = 'query EntityById($id: ID!) { entity(id: $id) { id name kind } }';
const ENTITIES = 'query Entities($limit: Int) { entities(limit: $limit) { id } }';

let t: TestApp;
let admin: string;
beforeAll(async () => {
  t = await startTestApp();
  admin = await t.token(PLATFORM_ADMIN);
});
afterAll(() => t.close());

async function clear() {
  for (const e of ((await (await t.call('GET', '/v1/invalidation-map', { token: admin })).json()) as { entries: { mutationOp: string; affectedOp: string }[] }).entries) {
    await t.call('DELETE', `/v1/invalidation-map/${e.mutationOp}/${e.affectedOp}`, { token: admin });
  }
  for (const op of await list()) await t.call('DELETE', `/v1/safelist/${op.id}`, { token: admin });
}

async function list(): Promise<SafelistEntry[]> {
  const res = await t.call('GET', '/v1/safelist', { token: admin });
  expect(res.status).toBe(200);
  return ((await res.json()) as { operations: SafelistEntry[] }).operations;
}

async function create(body: Record<string, unknown>): Promise<Response> {
  return t.call('POST', '/v1/safelist', { token: admin, body });
}

describe('safelist CRUD', () => {
  beforeEach(clear);

  it('creates an entry with a server-computed id and derived type and variables, and audits it', async () => {
    const before = (await auditTrail(t.db)).length;
    const res = await create({ document: ENTITY, ttlSeconds: 60, scope: 'tenant' });
    expect(res.status).toBe(201);
    const entry = (await res.json()) as SafelistEntry;
    expect(entry).toMatchObject({
      id: await documentId(ENTITY),
      name: 'EntityById',
      document: ENTITY,
      operationType: 'query',
      ttlSeconds: 60,
      staleWhileRevalidateSeconds: 0,
      staleIfErrorSeconds: 0,
      cachingEnabled: true,
      scope: 'tenant',
      variables: ['id'],
    });

    const fetched = await t.call('GET', `/v1/safelist/${entry.id}`, { token: admin });
    expect(await fetched.json()).toEqual(entry);
    for (const form of [encodeURIComponent(entry.id), entry.id.slice('sha256:'.length)]) {
      expect(await (await t.call('GET', `/v1/safelist/${form}`, { token: admin })).json()).toEqual(entry);
    }
    expect(await list()).toEqual([entry]);

    const trail = (await auditTrail(t.db)).slice(before);
    expect(trail).toEqual([
      { actor: 'user:root', tenantId: null, action: 'safelist.create', target: `safelist:${entry.id}`, payload: {
          name: 'EntityById',
          operationType: 'query',
          ttlSeconds: 60,
          staleWhileRevalidateSeconds: 0,
          staleIfErrorSeconds: 0,
          cachingEnabled: true,
          scope: 'tenant',
        },
      },
    ]);
  });

  it('accepts a client id only when it is the hash of the document, prefixed or bare', async () => {
    const hex = await sha256Hex(ENTITY);
    expect((await create({ document: ENTITY, id: hex, ttlSeconds: 5 })).status).toBe(201);
    expect((await create({ document: ENTITIES, id: `sha256:${await sha256Hex(ENTITIES)}`, ttlSeconds: 5 })).status).toBe(201);

    const before = await auditTrail(t.db);
    const message = await expectError(await create({ document: ENTITY_V2, id: hex, ttlSeconds: 5 }), 400, 'PERSISTED_QUERY_HASH_MISMATCH');
    expect(message).toContain(await documentId(ENTITY_V2));
    expect(await list()).toHaveLength(2);
    expect(await auditTrail(t.db)).toEqual(before);
  });

  it('answers a syntax error with GRAPHQL_PARSE_FAILED and stores nothing', async () => {
    await expectError(await create({ document: 'query Broken { entity(id: ) }', ttlSeconds: 5 }), 400, 'GRAPHQL_PARSE_FAILED');
    expect(await list()).toEqual([]);
  });

  it('refuses to safelist the same document twice', async () => {
    expect((await create({ document: ENTITY, ttlSeconds: 5 })).status).toBe(201);
    await expectError(await create({ document: ENTITY, ttlSeconds: 99 }), 409, 'CONFLICT');
    expect((await list())[0]?.ttlSeconds).toBe(5);
  });

  it('stores stale windows given at creation and patches them, audited', async () => {
    const res = await create({ document: ENTITY, ttlSeconds: 60, staleWhileRevalidateSeconds: 30, staleIfErrorSeconds: 300 });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as SafelistEntry;
    expect(await (await t.call('GET', `/v1/safelist/${id}`, { token: admin })).json()).toMatchObject({ staleWhileRevalidateSeconds: 30, staleIfErrorSeconds: 300 });
    const patched = await t.call('PATCH', `/v1/safelist/${id}`, { token: admin, body: { staleIfErrorSeconds: 600 } });
    expect(await patched.json()).toMatchObject({ ttlSeconds: 60, staleWhileRevalidateSeconds: 30, staleIfErrorSeconds: 600 });
    expect((await auditTrail(t.db)).at(-1)).toMatchObject({
      action: 'safelist.update',
      payload: { before: { staleIfErrorSeconds: 300 }, after: { staleIfErrorSeconds: 600 } },
    });
  });

  it('refuses negative, fractional or over-a-year stale windows, writing nothing', async () => {
    for (const bad of [{ staleWhileRevalidateSeconds: -1 }, { staleIfErrorSeconds: 1.5 }, { staleIfErrorSeconds: 31_536_001 }, { staleWhileRevalidateSeconds: '30' }]) {
      const message = await expectError(await create({ document: ENTITY, ttlSeconds: 5, ...bad }), 400, 'VALIDATION_FAILED');
      expect(message).toContain(Object.keys(bad)[0]);
    }
    expect(await list()).toEqual([]);
    const { id } = (await (await create({ document: ENTITY, ttlSeconds: 5 })).json()) as SafelistEntry;
    const before = await auditTrail(t.db);
    await expectError(await t.call('PATCH', `/v1/safelist/${id}`, { token: admin, body: { staleWhileRevalidateSeconds: -5 } }), 400, 'VALIDATION_FAILED');
    await expectError(await t.call('PATCH', `/v1/safelist/${id}`, { token: admin, body: { cachingEnabled: false } }), 400, 'VALIDATION_FAILED');
    expect(await list()).toMatchObject([{ staleWhileRevalidateSeconds: 0, cachingEnabled: true }]);
    expect(await auditTrail(t.db)).toEqual(before);
  });

  it('validates the body', async () => {
    await expectError(await create({ document: ENTITY, ttlSeconds: -1 }), 400, 'VALIDATION_FAILED');
    await expectError(await create({ document: ENTITY, ttlSeconds: 5, scope: 'world' }), 400, 'VALIDATION_FAILED');
    await expectError(await create({ document: ENTITY, ttlSeconds: 5, extra: true }), 400, 'VALIDATION_FAILED');
    await expectError(await t.call('POST', '/v1/safelist', { token: admin, body: '{"document":' }), 400, 'BAD_JSON');
    expect(await list()).toEqual([]);
  });

  it('patches TTL and scope, audits before/after, and treats a no-op patch as no write', async () => {
    const { id } = (await (await create({ document: ENTITY, ttlSeconds: 60 })).json()) as SafelistEntry;
    const before = (await auditTrail(t.db)).length;
    const res = await t.call('PATCH', `/v1/safelist/${id}`, { token: admin, body: { ttlSeconds: 10, scope: 'user' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id, ttlSeconds: 10, scope: 'user' });
    const again = await t.call('PATCH', `/v1/safelist/${id}`, { token: admin, body: { ttlSeconds: 10 } });
    expect(again.status).toBe(200);
    expect((await auditTrail(t.db)).slice(before)).toEqual([
      {
        actor: 'user:root',
        tenantId: null,
        action: 'safelist.update',
        target: `safelist:${id}`,
        payload: { before: { ttlSeconds: 60, scope: 'tenant' }, after: { ttlSeconds: 10, scope: 'user' } },
      },
    ]);
  });

  it('renames only what the document allows', async () => {
    const anonymous = '{ entities { id } }';
    const created = await create({ document: anonymous, name: 'AllEntities', ttlSeconds: 5 });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as SafelistEntry;
    const renamed = await t.call('PATCH', `/v1/safelist/${id}`, { token: admin, body: { name: 'EveryEntity' } });
    expect(await renamed.json()).toMatchObject({ name: 'EveryEntity' });

    await t.call('PUT', '/v1/invalidation-map/updateEntity/EveryEntity', { token: admin, body: { varsSelector: null } });
    const message = await expectError(await t.call('PATCH', `/v1/safelist/${id}`, { token: admin, body: { name: 'Orphaned' } }), 409, 'CONFLICT');
    expect(message).toContain('EveryEntity');

    const named = (await (await create({ document: ENTITY, ttlSeconds: 5 })).json()) as SafelistEntry;
    await expectError(await t.call('PATCH', `/v1/safelist/${named.id}`, { token: admin, body: { name: 'Other' } }), 400, 'VALIDATION_FAILED');
  });

  it('answers 404 for an unknown id and 400 for a malformed one', async () => {
    const unknown = await documentId('query Nope { a }');
    await expectError(await t.call('GET', `/v1/safelist/${unknown}`, { token: admin }), 404, 'NOT_FOUND');
    await expectError(await t.call('PATCH', `/v1/safelist/${unknown}`, { token: admin, body: { ttlSeconds: 1 } }), 404, 'NOT_FOUND');
    await expectError(await t.call('DELETE', `/v1/safelist/${unknown}`, { token: admin }), 404, 'NOT_FOUND');
    await expectError(await t.call('GET', '/v1/safelist/sha256:xyz', { token: admin }), 400, 'VALIDATION_FAILED');
  });

  it('deletes an entry and audits it', async () => {
    const { id } = (await (await create({ document: ENTITY, ttlSeconds: 5 })).json()) as SafelistEntry;
    const res = await t.call('DELETE', `/v1/safelist/${id}`, { token: admin });
    expect(res.status).toBe(204);
    expect(await list()).toEqual([]);
    expect((await auditTrail(t.db)).at(-1)).toMatchObject({ action: 'safelist.delete', target: `safelist:${id}`, payload: { name: 'EntityById' } });
  });

  it('refuses to delete the last version of a name the invalidation map uses, but not an older version', async () => {
    const v1 = (await (await create({ document: ENTITY, ttlSeconds: 5 })).json()) as SafelistEntry;
    const v2 = (await (await create({ document: ENTITY_V2, ttlSeconds: 5 })).json()) as SafelistEntry;
    const put = await t.call('PUT', '/v1/invalidation-map/updateEntity/EntityById', { token: admin, body: { varsSelector: { id: '$.id' } } });
    expect(put.status).toBe(201);

    expect((await t.call('DELETE', `/v1/safelist/${v1.id}`, { token: admin })).status).toBe(204);
    const message = await expectError(await t.call('DELETE', `/v1/safelist/${v2.id}`, { token: admin }), 409, 'CONFLICT');
    expect(message).toContain('updateEntity');
    expect((await list()).map((o) => o.id)).toEqual([v2.id]);
  });

  it('refuses a new version that drops a variable the invalidation map selects on', async () => {
    expect((await create({ document: ENTITY, ttlSeconds: 5 })).status).toBe(201);
    await t.call('PUT', '/v1/invalidation-map/updateEntity/EntityById', { token: admin, body: { varsSelector: { id: '$.id' } } });
    const message = await expectError(await create({ document: 'query EntityById($key: ID!) { entity(id: $key) { id } }', ttlSeconds: 5 }), 400, 'UNDECLARED_VARIABLE');
    expect(message).toContain('"id"');
  });
});

describe('safelist authorisation', () => {
  it('lets tenant admins read but not write the shared safelist', async () => {
    const token = await t.token(tenantAdmin('acme'));
    expect((await t.call('GET', '/v1/safelist', { token })).status).toBe(200);
    const before = await auditTrail(t.db);
    await expectError(await t.call('POST', '/v1/safelist', { token, body: { document: ENTITIES, ttlSeconds: 5 } }), 403, 'FORBIDDEN');
    expect(await auditTrail(t.db)).toEqual(before);
  });

  it('requires admin.write even of a platform admin', async () => {
    const token = await t.token({ ...PLATFORM_ADMIN, scopes: ['admin.read'] });
    await expectError(await t.call('POST', '/v1/safelist', { token, body: { document: ENTITIES, ttlSeconds: 5 } }), 403, 'FORBIDDEN');
  });

  it('requires a token', async () => {
    await expectError(await t.call('GET', '/v1/safelist'), 401, 'UNAUTHENTICATED');
  });
});

describe('manifest publish', () => {
  beforeEach(clear);

  async function manifestOf(...bodies: string[]) {
    return {
      format: 'apollo-persisted-query-manifest',
      version: 1,
      operations: await Promise.all(
        bodies.map(async (body) => ({ id: await sha256Hex(body), name: /^\w+ (\w+)/.exec(body)![1]!, type: body.split(' ')[0], body })),
      ),
    };
  }

  async function publish(body: unknown): Promise<Response> {
    return t.call('POST', '/v1/safelist/manifest', { token: admin, body });
  }

  it('creates, then is idempotent, then updates only what the policy changes', async () => {
    const manifest = await manifestOf(ENTITY, ENTITIES, 'mutation UpdateEntity($id: ID!, $name: String!) { updateEntity(id: $id, name: $name) { id } }');
    const before = (await auditTrail(t.db)).length;

    const first = await publish({ ...manifest, ttlSeconds: 30, overrides: { EntityById: { ttlSeconds: 60 } } });
    expect(await first.json()).toEqual({ created: 3, updated: 0, unchanged: 0 });
    const byName = Object.fromEntries((await list()).map((o) => [o.name, o]));
    expect(byName.EntityById).toMatchObject({ ttlSeconds: 60, scope: 'tenant', operationType: 'query', variables: ['id'] });
    expect(byName.Entities).toMatchObject({ ttlSeconds: 30, variables: ['limit'] });
    expect(byName.UpdateEntity).toMatchObject({ operationType: 'mutation', variables: ['id', 'name'] });

    const again = await publish({ ...manifest, ttlSeconds: 30, overrides: { EntityById: { ttlSeconds: 60 } } });
    expect(await again.json()).toEqual({ created: 0, updated: 0, unchanged: 3 });
    // Without a policy, existing entries keep theirs.
    expect(await (await publish(manifest)).json()).toEqual({ created: 0, updated: 0, unchanged: 3 });

    const retuned = await publish({ ...manifest, overrides: { Entities: { scope: 'user' } } });
    expect(await retuned.json()).toEqual({ created: 0, updated: 1, unchanged: 2 });
    expect((await list()).find((o) => o.name === 'Entities')).toMatchObject({ ttlSeconds: 30, scope: 'user' });

    const trail = (await auditTrail(t.db)).slice(before);
    expect(trail.map((r) => r.action)).toEqual(['safelist.publish', 'safelist.publish']);
    expect(trail[1]?.payload).toEqual({ created: [], updated: [byName.Entities!.id], unchanged: 2 });
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true });
  });

  it('defaults new operations to TTL 0, no stale windows and tenant scope', async () => {
    await publish(await manifestOf(ENTITY));
    expect(await list()).toMatchObject([{ ttlSeconds: 0, staleWhileRevalidateSeconds: 0, staleIfErrorSeconds: 0, cachingEnabled: true, scope: 'tenant' }]);
  });

  it('sets stale windows from defaults and overrides, and keeps them when a later policy omits them', async () => {
    const manifest = await manifestOf(ENTITY, ENTITIES);
    const first = await publish({ ...manifest, staleIfErrorSeconds: 300, overrides: { EntityById: { staleWhileRevalidateSeconds: 30 } } });
    expect(await first.json()).toEqual({ created: 2, updated: 0, unchanged: 0 });
    const byName = () => list().then((ops) => Object.fromEntries(ops.map((o) => [o.name, o])));
    expect(await byName()).toMatchObject({
      EntityById: { staleWhileRevalidateSeconds: 30, staleIfErrorSeconds: 300 },
      Entities: { staleWhileRevalidateSeconds: 0, staleIfErrorSeconds: 300 },
    });
    expect(await (await publish({ ...manifest, ttlSeconds: 0 })).json()).toEqual({ created: 0, updated: 0, unchanged: 2 });
    expect(await (await publish({ ...manifest, overrides: { Entities: { staleWhileRevalidateSeconds: 10 } } })).json()).toEqual({ created: 0, updated: 1, unchanged: 1 });
    expect((await byName()).Entities).toMatchObject({ staleWhileRevalidateSeconds: 10, staleIfErrorSeconds: 300 });
    await expectError(await publish({ ...manifest, staleIfErrorSeconds: -1 }), 400, 'VALIDATION_FAILED');
  });

  it('rejects the whole manifest when one id is not the hash of its body', async () => {
    const manifest = await manifestOf(ENTITY, ENTITIES);
    manifest.operations[1]!.id = await sha256Hex(ENTITY_V2);
    const message = await expectError(await publish(manifest), 400, 'PERSISTED_QUERY_HASH_MISMATCH');
    expect(message).toContain('operations[1] (Entities)');
    expect(await list()).toEqual([]);
  });

  it('rejects the whole manifest when one body does not parse', async () => {
    const broken = 'query Broken { entity(id: ) }';
    const manifest = await manifestOf(ENTITY, ENTITIES);
    manifest.operations.push({ id: await sha256Hex(broken), name: 'Broken', type: 'query', body: broken });
    const message = await expectError(await publish(manifest), 400, 'GRAPHQL_PARSE_FAILED');
    expect(message).toContain('operations[2] (Broken)');
    expect(await list()).toEqual([]);
  });

  it('rejects a type or name that contradicts the body, duplicates, and overrides for absent names', async () => {
    const manifest = await manifestOf(ENTITY);
    await expectError(await publish({ ...manifest, operations: [{ ...manifest.operations[0]!, type: 'mutation' }] }), 400, 'VALIDATION_FAILED');
    await expectError(await publish({ ...manifest, operations: [{ ...manifest.operations[0]!, name: 'Other' }] }), 400, 'VALIDATION_FAILED');
    await expectError(await publish({ ...manifest, operations: [manifest.operations[0]!, manifest.operations[0]!] }), 400, 'VALIDATION_FAILED');
    await expectError(await publish({ ...manifest, overrides: { Missing: { ttlSeconds: 1 } } }), 400, 'VALIDATION_FAILED');
    await expectError(await publish({ ...manifest, format: 'relay' }), 400, 'VALIDATION_FAILED');
    expect(await list()).toEqual([]);
  });

  it('rolls back every write when the final state would break the invalidation map', async () => {
    const anonymous = 'query ($id: ID!) { entity(id: $id) { id } }';
    const base = { format: 'apollo-persisted-query-manifest', version: 1 };
    const op = { id: await sha256Hex(anonymous), name: 'Lookup', type: 'query', body: anonymous };
    await publish({ ...base, operations: [op] });
    await t.call('PUT', '/v1/invalidation-map/updateEntity/Lookup', { token: admin, body: { varsSelector: { id: '$.id' } } });
    const before = await list();

    // Renaming the only version of Lookup would leave the map entry pointing at nothing.
    const res = await publish({ ...base, operations: [(await manifestOf(ENTITIES)).operations[0], { ...op, name: 'Renamed' }] });
    await expectError(res, 409, 'CONFLICT');
    expect(await list()).toEqual(before);
  });
});

describe('manifest size', () => {
  beforeEach(clear);

  /** `count` distinct queries of about `bytes` each: an operation with fields aliased until it is that long. */
  async function manifestOfSize(count: number, bytes: number) {
    const operations = [];
    for (let i = 0; i < count; i++) {
      let fields = 'id name';
      for (let f = 0; fields.length < bytes - 60; f++) fields += ` field${f}: name`;
      const body = `query Op${i}($id: ID!) { entity(id: $id) { ${fields} } }`;
      operations.push({ id: await sha256Hex(body), name: `Op${i}`, type: 'query', body });
    }
    return JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, ttlSeconds: 30, operations });
  }

  const publish = (body: string) => t.call('POST', SAFELIST_MANIFEST_PATH, { token: admin, body });

  it('refuses a manifest over its own limit with 413 PAYLOAD_TOO_LARGE, writing nothing', async () => {
    const body = await manifestOfSize(5_000, 3_500);
    expect(body.length).toBeGreaterThan(SAFELIST_MANIFEST_MAX_BODY_BYTES);
    const before = await auditTrail(t.db);
    const message = await expectError(await publish(body), 413, 'PAYLOAD_TOO_LARGE');
    expect(message).toContain(String(SAFELIST_MANIFEST_MAX_BODY_BYTES));
    expect(await list()).toEqual([]);
    expect(await auditTrail(t.db)).toEqual(before);
  });

  it('publishes 5,000 operations of a real client’s average size, far past the app-wide body limit', { timeout: 300_000 }, async () => {
    const body = await manifestOfSize(5_000, 1_200);
    expect(body.length).toBeGreaterThan(20 * MAX_BODY_BYTES);
    try {
      const res = await publish(body);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ created: 5_000, updated: 0, unchanged: 0 });
      const listed = await list();
      expect(listed).toHaveLength(5_000);
      expect(listed.find((o) => o.name === 'Op4999')).toMatchObject({ ttlSeconds: 30, variables: ['id'] });
    } finally {
      // 5,000 DELETE calls would outlast the test; the suite's next clear() expects an empty safelist.
      await t.db.delete(safelistedOperations);
    }
  });
});
