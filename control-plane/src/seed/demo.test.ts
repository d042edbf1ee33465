import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../audit/verify.ts';
import type { OpenedDatabase } from '../db/client.ts';
import { listAudit } from '../audit/queries.ts';
import { openTestDatabase } from '../testing/database.ts';
import { getLicensedTenant, listTenants, updateTenant, upsertTenant } from '../tenants/queries.ts';
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

  it('allows the demo export licence Restricted-TOS for acme and globex', async () => {
    expect(await getLicensedTenant(database.db, 'acme')).toEqual({ type: 'Tenant', id: 'acme', allowedLicenses: ['Restricted-TOS'] });
    expect(await getLicensedTenant(database.db, 'globex')).toEqual({ type: 'Tenant', id: 'globex', allowedLicenses: ['Restricted-TOS'] });
    expect(await getLicensedTenant(database.db, 'initech')).toBeUndefined();
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

  it('restores drifted licences, audited; a tenant upserted without licences keeps its own', async () => {
    await upsertTenant(database.db, { id: 'acme', name: 'Acme Corp', strictSafelist: false, allowedLicenses: ['CC-BY-4.0'] });
    await seedDemo(database.db);
    expect((await getLicensedTenant(database.db, 'acme'))?.allowedLicenses).toEqual(['Restricted-TOS']);
    const [latest] = await listAudit(database.db, { tenantId: 'acme', limit: 1 });
    expect(latest).toMatchObject({ actor: 'automation:seed', action: 'tenant.seed' });

    expect(await upsertTenant(database.db, { id: 'acme', name: 'Acme Corp', strictSafelist: false })).toBe(false);
    expect((await getLicensedTenant(database.db, 'acme'))?.allowedLicenses).toEqual(['Restricted-TOS']);
    await upsertTenant(database.db, { id: 'initech', name: 'Initech', strictSafelist: false });
    expect((await getLicensedTenant(database.db, 'initech'))?.allowedLicenses).toEqual([]);
  });
});
