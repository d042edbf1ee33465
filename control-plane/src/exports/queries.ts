import { and, asc, desc, eq, inArray, isNotNull, sql, type SQL } from 'drizzle-orm';
import { auditLog } from '@conductor/schema/audit';
import type { ExportStatus } from '@conductor/schema/contracts/exports';
import { dataExports, exportChunks } from '@conductor/schema/exports';
import type { Db } from '../db/client.ts';

export type ExportRow = typeof dataExports.$inferSelect;
export type NewExportRow = typeof dataExports.$inferInsert;
export type ExportChunkRow = typeof exportChunks.$inferSelect;
export type NewExportChunkRow = typeof exportChunks.$inferInsert;

export async function insertExport(db: Db, row: NewExportRow): Promise<ExportRow> {
  const [inserted] = await db.insert(dataExports).values(row).returning();
  if (!inserted) throw new Error('insert returned no row');
  return inserted;
}

export async function getExport(db: Db, exportId: string): Promise<ExportRow | undefined> {
  const [row] = await db.select().from(dataExports).where(eq(dataExports.exportId, exportId));
  return row;
}

/** Exports whose chunks are still being written, oldest first (the order the build job serves them). */
export function listBuildingExports(db: Db, limit: number): Promise<ExportRow[]> {
  return db
    .select()
    .from(dataExports)
    .where(eq(dataExports.status, 'building'))
    .orderBy(asc(dataExports.createdAt), asc(dataExports.exportId))
    .limit(limit);
}

/** An export's chunk rows in index order: the leaves of its Merkle tree. */
export function listExportChunks(db: Db, exportId: string): Promise<ExportChunkRow[]> {
  return db.select().from(exportChunks).where(eq(exportChunks.exportId, exportId)).orderBy(asc(exportChunks.ix));
}

export async function lastExportChunk(db: Db, exportId: string): Promise<ExportChunkRow | undefined> {
  const [row] = await db.select().from(exportChunks).where(eq(exportChunks.exportId, exportId)).orderBy(desc(exportChunks.ix)).limit(1);
  return row;
}

export type RecordChunkOutcome =
  | { outcome: 'recorded' }
  /** A row for this index existed already (another runner stored it): never rewritten. */
  | { outcome: 'exists'; row: ExportChunkRow }
  /** The export left `building` (published, failed): it takes no more chunks. */
  | { outcome: 'not-building'; status: ExportRow['status'] | undefined };

/**
 * Records a stored chunk, in one short transaction that first locks the export's row: a chunk is
 * only added while the export is `building`, and publication (which moves it on under the same
 * lock) therefore sees every chunk there will ever be.
 */
export function recordExportChunk(db: Db, chunk: NewExportChunkRow): Promise<RecordChunkOutcome> {
  return db.transaction(async (tx) => {
    const [exp] = await tx.select({ status: dataExports.status }).from(dataExports).where(eq(dataExports.exportId, chunk.exportId)).for('update');
    if (exp?.status !== 'building') return { outcome: 'not-building', status: exp?.status };
    const inserted = await tx.insert(exportChunks).values(chunk).onConflictDoNothing().returning({ ix: exportChunks.ix });
    if (inserted.length === 1) return { outcome: 'recorded' };
    const [row] = await tx
      .select()
      .from(exportChunks)
      .where(and(eq(exportChunks.exportId, chunk.exportId), eq(exportChunks.ix, chunk.ix)));
    if (!row) throw new Error(`chunk ${chunk.exportId}/${chunk.ix} conflicted but is not there`);
    return { outcome: 'exists', row };
  });
}

/**
 * Fails a build for good: the export leaves `building` with its reason, and its chunk rows go
 * (their blobs are deleted by the caller after this commits). False when it was no longer building.
 */
export function failExport(db: Db, exportId: string, failure: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const failed = await tx
      .update(dataExports)
      .set({ status: 'failed', failure })
      .where(and(eq(dataExports.exportId, exportId), eq(dataExports.status, 'building')))
      .returning({ exportId: dataExports.exportId });
    if (failed.length === 0) return false;
    await tx.delete(exportChunks).where(eq(exportChunks.exportId, exportId));
    return true;
  });
}

/** Exports of these tenants, newest first, optionally of one status. No tenants: nothing, without a query. */
export async function listExports(db: Db, filter: { tenants: readonly string[]; status?: ExportStatus; limit: number }): Promise<ExportRow[]> {
  if (filter.tenants.length === 0) return [];
  const conditions: SQL[] = [inArray(dataExports.tenantId, [...filter.tenants])];
  if (filter.status !== undefined) conditions.push(eq(dataExports.status, filter.status));
  return db
    .select()
    .from(dataExports)
    .where(and(...conditions))
    .orderBy(desc(dataExports.createdAt), desc(dataExports.exportId))
    .limit(filter.limit);
}

/** The export's row, locked until the transaction ends (a review decides on the status it reads). */
export async function lockExport(tx: Db, exportId: string): Promise<ExportRow | undefined> {
  const [row] = await tx.select().from(dataExports).where(eq(dataExports.exportId, exportId)).for('update');
  return row;
}

/**
 * Records a review decision on a `pending_review` export; a rejection also drops its chunk rows
 * (the caller deletes the blobs once this commits). Undefined when it was no longer pending.
 */
export async function recordReview(
  tx: Db,
  exportId: string,
  review: { status: 'approved' | 'rejected'; reviewedBy: string; reviewReason: string; reviewedAt: Date },
): Promise<ExportRow | undefined> {
  const [row] = await tx
    .update(dataExports)
    .set(review)
    .where(and(eq(dataExports.exportId, exportId), eq(dataExports.status, 'pending_review')))
    .returning();
  if (row && review.status === 'rejected') await tx.delete(exportChunks).where(eq(exportChunks.exportId, exportId));
  return row;
}

/** Builds that ended, per tenant: published (a manifest was signed) and failed. Rows are never deleted, so the counts only grow. */
export function buildOutcomesByTenant(db: Db): Promise<{ tenantId: string; published: number; failed: number }[]> {
  return db
    .select({
      tenantId: dataExports.tenantId,
      published: sql<number>`(count(*) filter (where ${isNotNull(dataExports.manifest)}))::int`,
      failed: sql<number>`(count(*) filter (where ${eq(dataExports.status, 'failed')}))::int`,
    })
    .from(dataExports)
    .groupBy(dataExports.tenantId)
    .orderBy(asc(dataExports.tenantId));
}

/** The audit entries about one export (created, published, reviewed, downloaded), oldest first. */
export function exportAuditEntries(db: Db, tenantId: string, exportId: string): Promise<(typeof auditLog.$inferSelect)[]> {
  // By tenant first: the audit log is indexed on (tenant_id, seq).
  return db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.tenantId, tenantId), eq(auditLog.target, `export:${exportId}`)))
    .orderBy(asc(auditLog.seq));
}
