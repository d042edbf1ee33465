import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../audit/verify.ts';
import { openTestDatabase } from '../testing/database.ts';
import type { OpenedDatabase } from '../db/client.ts';
import { listInvalidations } from './invalidation-map/queries.ts';
import { listOperations } from './safelist/queries.ts';
import { seedCachePolicy } from './seed.ts';
import { auditTrail } from './testing.ts';

let database: OpenedDatabase;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database.close());

describe('seedCachePolicy', () => {
  it('publishes the demo manifest with its cache policy and the invalidation map, audited', async () => {
    const { db } = database;
    await seedCachePolicy(db);
    const operations = await listOperations(db);
    expect(
      operations.map((o) => [o.name, o.operationType, o.ttlSeconds, o.staleWhileRevalidateSeconds, o.staleIfErrorSeconds, o.cachingEnabled, o.scope, o.variables]),
    ).toEqual([
      // Raw documents carry personal data: TTL 0, so the edge passes them through uncached.
      ['Documents', 'query', 0, 0, 0, true, 'tenant', ['after', 'first']],
      ['Entities', 'query', 30, 30, 300, true, 'tenant', ['limit']],
      ['EntityById', 'query', 60, 30, 300, true, 'tenant', ['id']],
      ['LinkEntities', 'mutation', 0, 0, 0, true, 'tenant', ['from', 'to', 'kind']],
      ['Relationships', 'query', 60, 30, 300, true, 'tenant', ['entityId']],
      ['UpdateEntity', 'mutation', 0, 0, 0, true, 'tenant', ['id', 'name']],
    ]);
    expect(operations.find((o) => o.name === 'EntityById')?.id).toBe('sha256:8756ada898ed748036734b7f2014d4a90b6cca5819fc8ce68b6fdc5bfc84460f');
    expect(await listInvalidations(db)).toEqual([
      { mutationOp: 'linkEntities', affectedOp: 'Relationships', varsSelector: { entityId: ['$.from', '$.to'] } },
      { mutationOp: 'updateEntity', affectedOp: 'Entities', varsSelector: null },
      { mutationOp: 'updateEntity', affectedOp: 'EntityById', varsSelector: { id: '$.id' } },
    ]);
    const trail = await auditTrail(db);
    expect(trail.map((r) => [r.actor, r.action])).toEqual([
      ['automation:seed', 'safelist.publish'],
      ['automation:seed', 'invalidation.create'],
      ['automation:seed', 'invalidation.create'],
      ['automation:seed', 'invalidation.create'],
    ]);
  });

  it('changes nothing and audits nothing on a second run', async () => {
    const { db } = database;
    const before = { operations: await listOperations(db), map: await listInvalidations(db), trail: await auditTrail(db) };
    await seedCachePolicy(db);
    expect({ operations: await listOperations(db), map: await listInvalidations(db), trail: await auditTrail(db) }).toEqual(before);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, rows: 4 });
  });
});
