import { bigserial, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Append-only, hash-chained audit log (docs/adr/0005). Rows are only ever inserted by
 * control-plane/src/audit/record.ts, inside the transaction of the change they record;
 * `row_hash = sha256(prev_hash ‖ canonical_json(fields))`, so editing any row breaks the chain from there on.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    seq: bigserial({ mode: 'number' }).primaryKey(),
    at: timestamp({ withTimezone: true }).notNull(),
    actor: text().notNull(),
    tenantId: text(),
    action: text().notNull(),
    target: text().notNull(),
    payload: jsonb(),
    prevHash: text().notNull(),
    rowHash: text().notNull().unique(),
  },
  (t) => [index().on(t.tenantId, t.seq)],
);
