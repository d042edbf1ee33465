import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EdgeInvalidation } from '@conductor/schema/contracts/edge-config';
import { PLATFORM_ADMIN, startTestApp, tenantAdmin, type TestApp } from '../../testing/app.ts';
import { expectError } from '../../testing/api-error.ts';
import { auditTrail } from '../testing.ts';

let t: TestApp;
let admin: string;
beforeAll(async () => {
  t = await startTestApp();
  admin = await t.token(PLATFORM_ADMIN);
  const documents = [
    'query Relationships($entityId: ID!) { relationships(entityId: $entityId) { id } }',
    'query Relationships($entityId: ID!, $limit: Int) { relationships(entityId: $entityId) { id } }',
    'query EntityById($id: ID!) { entity(id: $id) { id } }',
    'mutation UpdateEntity($id: ID!, $name: String!) { updateEntity(id: $id, name: $name) { id } }',
  ];
  for (const document of documents) {
    const res = await t.call('POST', '/v1/safelist', { token: admin, body: { document, ttlSeconds: 60 } });
    expect(res.status).toBe(201);
  }
});
afterAll(() => t.close());

async function entries(): Promise<EdgeInvalidation[]> {
  const res = await t.call('GET', '/v1/invalidation-map', { token: admin });
  expect(res.status).toBe(200);
  return ((await res.json()) as { entries: EdgeInvalidation[] }).entries;
}

function put(mutationOp: string, affectedOp: string, varsSelector: unknown, token = admin): Promise<Response> {
  return t.call('PUT', `/v1/invalidation-map/${mutationOp}/${affectedOp}`, { token, body: { varsSelector } });
}

describe('invalidation map', () => {
  it('creates (201), replaces (200) and lists entries, auditing each change once', async () => {
    const before = (await auditTrail(t.db)).length;
    const created = await put('linkEntities', 'Relationships', { entityId: ['$.from', '$.to'] });
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ mutationOp: 'linkEntities', affectedOp: 'Relationships', varsSelector: { entityId: ['$.from', '$.to'] } });

    const unchanged = await put('linkEntities', 'Relationships', { entityId: ['$.from', '$.to'] });
    expect(unchanged.status).toBe(200);

    const replaced = await put('linkEntities', 'Relationships', { entityId: '$.from' });
    expect(replaced.status).toBe(200);
    expect(await entries()).toContainEqual({ mutationOp: 'linkEntities', affectedOp: 'Relationships', varsSelector: { entityId: '$.from' } });

    expect((await auditTrail(t.db)).slice(before)).toEqual([
      {
        actor: 'user:root',
        tenantId: null,
        action: 'invalidation.create',
        target: 'invalidation:linkEntities/Relationships',
        payload: { before: null, after: { entityId: ['$.from', '$.to'] } },
      },
      {
        actor: 'user:root',
        tenantId: null,
        action: 'invalidation.update',
        target: 'invalidation:linkEntities/Relationships',
        payload: { before: { entityId: ['$.from', '$.to'] }, after: { entityId: '$.from' } },
      },
    ]);
  });

  it('stores {} as null: both mean every cached variant', async () => {
    expect((await put('updateEntity', 'Relationships', {})).status).toBe(201);
    expect(await entries()).toContainEqual({ mutationOp: 'updateEntity', affectedOp: 'Relationships', varsSelector: null });
    const before = (await auditTrail(t.db)).length;
    expect((await put('updateEntity', 'Relationships', null)).status).toBe(200);
    expect(await auditTrail(t.db)).toHaveLength(before);
  });

  it('rejects a selector naming a variable the affected operation does not declare in every version', async () => {
    const before = await auditTrail(t.db);
    const message = await expectError(await put('linkEntities', 'Relationships', { limit: '$.n' }), 400, 'UNDECLARED_VARIABLE');
    expect(message).toContain('"limit"');
    await expectError(await put('updateEntity', 'EntityById', { entityId: '$.id' }), 400, 'UNDECLARED_VARIABLE');
    expect(await entries()).not.toContainEqual(expect.objectContaining({ affectedOp: 'EntityById' }));
    expect(await auditTrail(t.db)).toEqual(before);
  });

  it('rejects an affected operation that is not safelisted, and a mutation as affected operation', async () => {
    const message = await expectError(await put('updateEntity', 'NoSuchOp', null), 404, 'UNKNOWN_OPERATION');
    expect(message).toContain('NoSuchOp');
    await expectError(await put('linkEntities', 'UpdateEntity', null), 400, 'VALIDATION_FAILED');
  });

  it('rejects malformed selectors and names', async () => {
    await expectError(await put('updateEntity', 'EntityById', { id: 'id' }), 400, 'VALIDATION_FAILED');
    await expectError(await put('updateEntity', 'EntityById', { id: [] }), 400, 'VALIDATION_FAILED');
    await expectError(await put('update-entity', 'EntityById', { id: '$.id' }), 400, 'VALIDATION_FAILED');
    await expectError(await t.call('PUT', '/v1/invalidation-map/updateEntity/EntityById', { token: admin, body: {} }), 400, 'VALIDATION_FAILED');
  });

  it('deletes an entry (audited) and answers 404 for an absent one', async () => {
    expect((await put('updateEntity', 'EntityById', { id: '$.id' })).status).toBe(201);
    const res = await t.call('DELETE', '/v1/invalidation-map/updateEntity/EntityById', { token: admin });
    expect(res.status).toBe(204);
    expect(await entries()).not.toContainEqual(expect.objectContaining({ mutationOp: 'updateEntity', affectedOp: 'EntityById' }));
    expect((await auditTrail(t.db)).at(-1)).toMatchObject({ action: 'invalidation.delete', target: 'invalidation:updateEntity/EntityById', payload: { before: { id: '$.id' } } });
    await expectError(await t.call('DELETE', '/v1/invalidation-map/updateEntity/EntityById', { token: admin }), 404, 'NOT_FOUND');
  });

  it('keeps selectors and safelist versions consistent under concurrent writes', async () => {
    // Each write checks the other table; run both at once and exactly one may win.
    for (let round = 0; round < 5; round++) {
      const name = `Race${round}`;
      const first = await t.call('POST', '/v1/safelist', { token: admin, body: { document: `query ${name}($id: ID!, $page: Int) { e(id: $id, page: $page) }`, ttlSeconds: 5 } });
      expect(first.status).toBe(201);
      const [selector, version] = await Promise.all([
        put('updateEntity', name, { page: '$.page' }),
        t.call('POST', '/v1/safelist', { token: admin, body: { document: `query ${name}($id: ID!) { e(id: $id) }`, ttlSeconds: 5 } }),
      ]);
      expect([selector.status, version.status].sort()).toEqual([201, 400]);
      const failed = selector.status === 400 ? selector : version;
      await expectError(failed, 400, 'UNDECLARED_VARIABLE');
    }
  });

  it('is shared platform config: a tenant admin may read it but not change it', async () => {
    const token = await t.token(tenantAdmin('acme'));
    expect((await t.call('GET', '/v1/invalidation-map', { token })).status).toBe(200);
    const before = await auditTrail(t.db);
    await expectError(await put('updateEntity', 'EntityById', { id: '$.id' }, token), 403, 'FORBIDDEN');
    await expectError(await t.call('DELETE', '/v1/invalidation-map/linkEntities/Relationships', { token }), 403, 'FORBIDDEN');
    expect(await auditTrail(t.db)).toEqual(before);
  });
});
