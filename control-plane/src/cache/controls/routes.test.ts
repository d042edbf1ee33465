import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CacheControlsSchema, type CacheControls, type SafelistEntry } from '@conductor/schema/contracts/cache-admin';
import type { EdgeConfig } from '@conductor/schema/contracts/edge-config';
import { sha256Hex } from '@conductor/sdk';
import { verifyAuditChain } from '../../audit/verify.ts';
import { seedDemo } from '../../seed/demo.ts';
import { EDGE_CONFIG_READER, PLATFORM_ADMIN, startTestApp, tenantAdmin, type TestApp } from '../../testing/app.ts';
import { expectError } from '../../testing/api-error.ts';
import { auditTrail } from '../testing.ts';

const ENTITY_V2 = 'query EntityById($id: ID!) { entity(id: $id) { id name kind } }';
const ENTITY_V3 = 'query EntityById($id: ID!) { entity(id: $id) { id kind } }';

let t: TestApp;
let admin: string;
let edge: string;
beforeAll(async () => {
  t = await startTestApp();
  await seedDemo(t.db);
  admin = await t.token(PLATFORM_ADMIN);
  edge = await t.token(EDGE_CONFIG_READER);
  // A second version of EntityById, so "by name" has more than one document to switch.
  expect((await t.call('POST', '/v1/safelist', { token: admin, body: { document: ENTITY_V2, ttlSeconds: 60 } })).status).toBe(201);
});
afterAll(() => t.close());
beforeEach(async () => {
  // Every test starts with caching on everywhere.
  await t.call('PUT', '/v1/cache/controls/caching', { token: admin, body: { enabled: true } });
  for (const name of ['EntityById', 'Entities']) {
    await t.call('PUT', `/v1/cache/controls/operations/${name}/caching`, { token: admin, body: { enabled: true } });
  }
});

async function config(): Promise<EdgeConfig> {
  const res = await t.call('GET', '/v1/edge/config', { token: edge });
  expect(res.status).toBe(200);
  return (await res.json()) as EdgeConfig;
}

async function controls(): Promise<CacheControls> {
  const res = await t.call('GET', '/v1/cache/controls', { token: admin });
  expect(res.status).toBe(200);
  return CacheControlsSchema.parse(await res.json());
}

const setGlobal = (enabled: unknown, token = admin) => t.call('PUT', '/v1/cache/controls/caching', { token, body: { enabled } });
const setOp = (name: string, body: unknown, token = admin) => t.call('PUT', `/v1/cache/controls/operations/${name}/caching`, { token, body });

describe('global caching switch', () => {
  it('starts on, turns off in the edge config with a new version, and is audited once', async () => {
    const before = await config();
    expect(before.cachingEnabled).toBe(true);
    const trail = (await auditTrail(t.db)).length;

    const res = await setGlobal(false);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ cachingEnabled: false });
    expect(Date.parse((await controls()).updatedAt ?? '')).toBeGreaterThan(0);
    const after = await config();
    expect(after.cachingEnabled).toBe(false);
    expect(after.version).not.toBe(before.version);
    // Per-operation switches are untouched: turning the global switch back on restores the old state.
    expect(after.safelist.every((o) => o.cachingEnabled)).toBe(true);

    // Setting it to what it already is writes nothing.
    expect((await setGlobal(false)).status).toBe(200);
    expect((await auditTrail(t.db)).slice(trail)).toEqual([
      { actor: 'user:root', tenantId: null, action: 'cache.caching.set', target: 'edge:caching', payload: { before: { cachingEnabled: true }, after: { cachingEnabled: false } } },
    ]);

    expect((await setGlobal(true)).status).toBe(200);
    const restored = await config();
    expect(restored.cachingEnabled).toBe(true);
    expect(restored.version).toBe(before.version);
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true });
  });

  it('rejects bodies that are not {enabled: boolean}, writing nothing', async () => {
    const trail = await auditTrail(t.db);
    for (const body of [{}, { enabled: 'false' }, { enabled: 0 }, { enabled: false, tenant: 'acme' }]) {
      await expectError(await t.call('PUT', '/v1/cache/controls/caching', { token: admin, body }), 400, 'VALIDATION_FAILED');
    }
    await expectError(await t.call('PUT', '/v1/cache/controls/caching', { token: admin, body: '{"enabled":' }), 400, 'BAD_JSON');
    expect((await config()).cachingEnabled).toBe(true);
    expect(await auditTrail(t.db)).toEqual(trail);
  });

  it('is a platform write: tenant admins and readers are refused, anonymous callers too', async () => {
    const message = await expectError(await setGlobal(false, await t.token(tenantAdmin('acme'))), 403, 'FORBIDDEN');
    expect(message).toContain('platform-admin');
    await expectError(await setGlobal(false, await t.token({ ...PLATFORM_ADMIN, scopes: ['admin.read'] })), 403, 'FORBIDDEN');
    await expectError(await t.call('PUT', '/v1/cache/controls/caching', { body: { enabled: false } }), 401, 'UNAUTHENTICATED');
    await expectError(await t.call('GET', '/v1/cache/controls', { token: await t.token({ tenant: 'acme', sub: 'user:x' }) }), 403, 'FORBIDDEN');
    expect((await config()).cachingEnabled).toBe(true);
  });
});

describe('per-operation caching switch', () => {
  it('switches every version of a name, leaves other names alone, and is audited with the versions', async () => {
    const before = await config();
    const versions = before.safelist.filter((o) => o.name === 'EntityById').map((o) => o.id).sort();
    expect(versions).toHaveLength(2);
    const trail = (await auditTrail(t.db)).length;

    const res = await setOp('EntityById', { enabled: false });
    expect(res.status).toBe(200);
    const body = (await res.json()) as CacheControls;
    expect(body.operations.find((o) => o.name === 'EntityById')).toEqual({ name: 'EntityById', cachingEnabled: false, versions });
    expect(body.operations.find((o) => o.name === 'Entities')).toMatchObject({ cachingEnabled: true });

    const after = await config();
    expect(after.version).not.toBe(before.version);
    expect(after.cachingEnabled).toBe(true);
    expect(after.safelist.filter((o) => !o.cachingEnabled).map((o) => o.id).sort()).toEqual(versions);

    expect((await setOp('EntityById', { enabled: false })).status).toBe(200);
    expect((await auditTrail(t.db)).slice(trail)).toEqual([
      {
        actor: 'user:root',
        tenantId: null,
        action: 'cache.operation.caching.set',
        target: 'operation:EntityById',
        payload: { before: { cachingEnabled: true }, after: { cachingEnabled: false }, versions },
      },
    ]);
    expect((await setOp('EntityById', { enabled: true })).status).toBe(200);
    expect((await config()).version).toBe(before.version);
  });

  it('keeps a switched-off name off for a version published or renamed into it later', async () => {
    expect((await setOp('EntityById', { enabled: false })).status).toBe(200);
    const created = await t.call('POST', '/v1/safelist', { token: admin, body: { document: ENTITY_V3, ttlSeconds: 60 } });
    expect(created.status).toBe(201);
    const entry = (await created.json()) as SafelistEntry;
    expect(entry.cachingEnabled).toBe(false);
    expect((await config()).safelist.find((o) => o.id === entry.id)?.cachingEnabled).toBe(false);
    // Other names are unaffected by the inheritance.
    const other = await t.call('POST', '/v1/safelist', { token: admin, body: { document: 'query Fresh { entities { id } }', ttlSeconds: 5 } });
    expect(((await other.json()) as SafelistEntry).cachingEnabled).toBe(true);
    expect((await t.call('DELETE', `/v1/safelist/${entry.id}`, { token: admin })).status).toBe(204);

    // The same through a manifest publish.
    const body = 'query EntityById($id: ID!) { entity(id: $id) { name } }';
    const manifest = { format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id: await sha256Hex(body), name: 'EntityById', type: 'query', body }] };
    expect(await (await t.call('POST', '/v1/safelist/manifest', { token: admin, body: manifest })).json()).toEqual({ created: 1, updated: 0, unchanged: 0 });
    expect((await config()).safelist.find((o) => o.id === `sha256:${manifest.operations[0]!.id}`)?.cachingEnabled).toBe(false);
    expect((await t.call('DELETE', `/v1/safelist/sha256:${manifest.operations[0]!.id}`, { token: admin })).status).toBe(204);

    // Renaming an anonymous document into a switched-off name switches it off too (audited as part of the rename).
    expect((await setOp('Entities', { enabled: false })).status).toBe(200);
    const probe = (await (await t.call('POST', '/v1/safelist', { token: admin, body: { document: '{ entities { id kind } }', name: 'Probe', ttlSeconds: 5 } })).json()) as SafelistEntry;
    expect(probe.cachingEnabled).toBe(true);
    const renamed = await t.call('PATCH', `/v1/safelist/${probe.id}`, { token: admin, body: { name: 'Entities' } });
    expect(await renamed.json()).toMatchObject({ name: 'Entities', cachingEnabled: false });
    expect((await auditTrail(t.db)).at(-1)).toMatchObject({ action: 'safelist.update', payload: { before: { name: 'Probe', cachingEnabled: true }, after: { name: 'Entities', cachingEnabled: false } } });
    expect((await t.call('DELETE', `/v1/safelist/${probe.id}`, { token: admin })).status).toBe(204);
  });

  it('answers 404 UNKNOWN_OPERATION for a name nothing is safelisted under, and 400 for a malformed name or body', async () => {
    const trail = await auditTrail(t.db);
    const before = (await config()).version;
    const message = await expectError(await setOp('NoSuchOp', { enabled: false }), 404, 'UNKNOWN_OPERATION');
    expect(message).toContain('NoSuchOp');
    await expectError(await setOp('not-a-name', { enabled: false }), 400, 'VALIDATION_FAILED');
    await expectError(await setOp('EntityById', { enabled: null }), 400, 'VALIDATION_FAILED');
    await expectError(await setOp('EntityById', { enabled: false, versions: [] }), 400, 'VALIDATION_FAILED');
    await expectError(await setOp('EntityById', { enabled: false }, await t.token(tenantAdmin('acme'))), 403, 'FORBIDDEN');
    expect((await config()).version).toBe(before);
    expect(await auditTrail(t.db)).toEqual(trail);
  });
});
