import { asc, gt } from 'drizzle-orm';
import { auditLog } from '@conductor/schema/audit';
import type { Db } from '../db/client.ts';
import { GENESIS_HASH, auditRowHash } from './hash.ts';

export type AuditVerification = { ok: true; rows: number } | { ok: false; brokenAt: number; reason: string };

const PAGE = 500;

/**
 * Walks the chain from the first row, recomputing every hash. The first row whose stored
 * prev_hash or row_hash disagrees is where tampering (edit, delete, insert) happened.
 */
export async function verifyAuditChain(db: Db): Promise<AuditVerification> {
  let expectedPrev = GENESIS_HASH;
  let lastSeq = 0;
  let rows = 0;
  for (;;) {
    const page = await db.select().from(auditLog).where(gt(auditLog.seq, lastSeq)).orderBy(asc(auditLog.seq)).limit(PAGE);
    for (const row of page) {
      if (row.prevHash !== expectedPrev) {
        return { ok: false, brokenAt: row.seq, reason: 'prev_hash does not match the previous row (a row was removed, inserted or rewritten)' };
      }
      const recomputed = await auditRowHash(row.prevHash, {
        at: row.at.toISOString(),
        actor: row.actor,
        tenantId: row.tenantId,
        action: row.action,
        target: row.target,
        payload: row.payload,
      });
      if (recomputed !== row.rowHash) {
        return { ok: false, brokenAt: row.seq, reason: 'row_hash does not match the row contents (the row was modified)' };
      }
      expectedPrev = row.rowHash;
      lastSeq = row.seq;
      rows += 1;
    }
    if (page.length < PAGE) return { ok: true, rows };
  }
}
