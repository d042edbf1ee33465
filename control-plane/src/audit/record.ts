import { desc, sql } from 'drizzle-orm';
import { auditLog } from '@conductor/schema/audit';
import type { Actor } from '../auth/principal.ts';
import type { Db } from '../db/client.ts';
import { GENESIS_HASH, auditRowHash } from './hash.ts';

export interface AuditEntry {
  actor: Actor;
  tenantId: string | null;
  action: string;
  target: string;
  payload: unknown;
}

// Arbitrary but fixed: every writer of the audit chain takes this transaction-scoped lock.
const AUDIT_LOCK_KEY = 0x636f6e64; // "cond"

/**
 * Appends one entry to the hash chain. Call it with the transaction that makes the change,
 * so the change and its record commit or roll back together. The advisory lock serialises
 * writers: without it two transactions could read the same tail and fork the chain.
 */
export async function recordAudit(tx: Db, entry: AuditEntry): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`);
  const [tail] = await tx.select({ rowHash: auditLog.rowHash }).from(auditLog).orderBy(desc(auditLog.seq)).limit(1);
  const prevHash = tail?.rowHash ?? GENESIS_HASH;
  // Round-trip through JSON so what is hashed is exactly what jsonb will give back.
  const payload: unknown = JSON.parse(JSON.stringify(entry.payload ?? null));
  const at = new Date();
  const fields = { at: at.toISOString(), actor: entry.actor, tenantId: entry.tenantId, action: entry.action, target: entry.target, payload };
  const rowHash = await auditRowHash(prevHash, fields);
  await tx.insert(auditLog).values({ ...fields, at, prevHash, rowHash });
}
