import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import { auditLog } from '@conductor/schema/audit';
import type { Db } from '../db/client.ts';

export type AuditRow = typeof auditLog.$inferSelect;

/** Newest first; `before` is the seq cursor of the previous page. */
export function listAudit(db: Db, opts: { tenantId?: string; before?: number; limit: number }): Promise<AuditRow[]> {
  const conditions: SQL[] = [];
  if (opts.tenantId !== undefined) conditions.push(eq(auditLog.tenantId, opts.tenantId));
  if (opts.before !== undefined) conditions.push(lt(auditLog.seq, opts.before));
  return db
    .select()
    .from(auditLog)
    .where(and(...conditions))
    .orderBy(desc(auditLog.seq))
    .limit(opts.limit);
}
