import { sql } from 'drizzle-orm';
import { boolean, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const tenants = pgTable('tenants', {
  id: text().primaryKey(),
  name: text().notNull(),
  /** Strict tenants may only run safelisted operations at the edge. */
  strictSafelist: boolean().notNull().default(false),
  /**
   * Licences the tenant's data may be exported under (an export's `proofs.license`). Cedar reads
   * them as the Tenant entity's `allowedLicenses` (policy export-license-allowed-by-tenant); none
   * by default, so a tenant exports nothing until it is given one.
   */
  allowedLicenses: text().array().notNull().default(sql`'{}'::text[]`),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});
