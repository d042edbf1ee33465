import { boolean, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const tenants = pgTable('tenants', {
  id: text().primaryKey(),
  name: text().notNull(),
  /** Strict tenants may only run safelisted operations at the edge. */
  strictSafelist: boolean().notNull().default(false),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});
