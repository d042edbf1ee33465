import { asc, eq, sql } from 'drizzle-orm';
import { tenants } from '@conductor/schema/tenants';
import type { LicensedTenant } from '../auth/cedar.ts';
import type { Db } from '../db/client.ts';

export type TenantRow = typeof tenants.$inferSelect;

export function listTenants(db: Db): Promise<TenantRow[]> {
  return db.select().from(tenants).orderBy(asc(tenants.id));
}

export async function getTenant(db: Db, id: string): Promise<TenantRow | undefined> {
  const [row] = await db.select().from(tenants).where(eq(tenants.id, id));
  return row;
}

/** Inserts unless the id exists; undefined means it did (the caller decides whether that is a conflict). */
export async function insertTenant(db: Db, values: { id: string; name: string; strictSafelist: boolean }): Promise<TenantRow | undefined> {
  const [row] = await db.insert(tenants).values(values).onConflictDoNothing({ target: tenants.id }).returning();
  return row;
}

export async function updateTenant(
  db: Db,
  id: string,
  patch: { name?: string; strictSafelist?: boolean },
): Promise<TenantRow | undefined> {
  const [row] = await db
    .update(tenants)
    .set({ ...patch, updatedAt: sql`now()` })
    .where(eq(tenants.id, id))
    .returning();
  return row;
}

/**
 * Creates or refreshes a tenant (the demo seed); true when anything changed. Licences left out are
 * none for a new tenant and untouched for an existing one.
 */
export async function upsertTenant(
  db: Db,
  values: { id: string; name: string; strictSafelist: boolean; allowedLicenses?: string[] },
): Promise<boolean> {
  // Compared as a set: the seed file's order is not a change.
  const licences = values.allowedLicenses && [...new Set(values.allowedLicenses)].sort();
  const licencesChanged = licences ? sql` or ${tenants.allowedLicenses} is distinct from excluded.allowed_licenses` : sql``;
  const rows = await db
    .insert(tenants)
    .values({ ...values, allowedLicenses: licences ?? [] })
    .onConflictDoUpdate({
      target: tenants.id,
      set: { name: values.name, strictSafelist: values.strictSafelist, ...(licences && { allowedLicenses: licences }), updatedAt: sql`now()` },
      setWhere: sql`${tenants.name} is distinct from ${values.name} or ${tenants.strictSafelist} is distinct from ${values.strictSafelist}${licencesChanged}`,
    })
    .returning({ id: tenants.id });
  return rows.length > 0;
}

/**
 * The tenant as `createExport` is authorised against it: with the licences its data may be
 * exported under (policy export-license-allowed-by-tenant). Undefined for an unknown tenant.
 */
export async function getLicensedTenant(db: Db, id: string): Promise<LicensedTenant | undefined> {
  const [row] = await db.select({ id: tenants.id, allowedLicenses: tenants.allowedLicenses }).from(tenants).where(eq(tenants.id, id));
  return row && { type: 'Tenant', id: row.id, allowedLicenses: row.allowedLicenses };
}
