import { asc } from 'drizzle-orm';
import { auditLog } from '@conductor/schema/audit';
import type { Db } from '../db/client.ts';

/** The audit log in chain order, reduced to what the cache suites assert on. */
export async function auditTrail(db: Db): Promise<{ actor: string; tenantId: string | null; action: string; target: string; payload: unknown }[]> {
  const rows = await db.select().from(auditLog).orderBy(asc(auditLog.seq));
  return rows.map((r) => ({ actor: r.actor, tenantId: r.tenantId, action: r.action, target: r.target, payload: r.payload }));
}
