import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../audit/verify.ts';
import type { OpenedDatabase } from '../db/client.ts';
import { listAudit } from '../audit/queries.ts';
import { openTestDatabase } from '../testing/database.ts';
import { listTenants, updateTenant } from '../tenants/queries.ts';
import { seedDemo } from './demo.ts';

let database: OpenedDatabase;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database.close());

describe('seedDemo', () => {
  it('creates the demo tenants of examples/origin/cache-policy.json', async () => {
    await seedDemo(database.db);
    const tenants = await listTenants(database.db);
    expect(tenants.map((t) => [t.id, t.name, t.strictSafelist])).toEqual([
      ['acme', 'Acme Corp', false],
      ['globex', 'Globex', true],
    ]);
  });

  it('is idempotent: a second run writes no audit entries', async () => {
    const before = await listAudit(database.db, { limit: 1000 });
    await seedDemo(database.db);
    expect(await listAudit(database.db, { limit: 1000 })).toHaveLength(before.length);
    expect(await verifyAuditChain(database.db)).toEqual({ ok: true, rows: before.length });
  });

  it('restores a drifted demo tenant, audited', async () => {
    await updateTenant(database.db, 'globex', { strictSafelist: false });
    await seedDemo(database.db);
    expect((await listTenants(database.db)).find((t) => t.id === 'globex')?.strictSafelist).toBe(true);
    const [latest] = await listAudit(database.db, { tenantId: 'globex', limit: 1 });
    expect(latest).toMatchObject({ actor: 'automation:seed', action: 'tenant.seed' });
  });
});
