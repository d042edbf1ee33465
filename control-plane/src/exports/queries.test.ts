import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataExports, exportChunks } from '@conductor/schema/exports';
import type { Db } from '../db/client.ts';
import { openTestDatabase } from '../testing/database.ts';
import { insertTenant } from '../tenants/queries.ts';
import { insertExport, recordExportChunk, type NewExportRow } from './queries.ts';

// The exports tables keep their invariants themselves, whatever code writes to them.
let db: Db;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ db, close } = await openTestDatabase());
  await insertTenant(db, { id: 'acme', name: 'Acme', strictSafelist: false });
});
afterAll(() => close());

const request: NewExportRow = { tenantId: 'acme', kind: 'extractive-summary', requestedBy: 'user:alice', license: 'Restricted-TOS', purpose: ['investigation'], chunkSize: 1024 };
const published = { status: 'pending_review' as const, manifest: { manifestVersion: '1.0' }, merkleRoot: 'ab'.repeat(32), totalSize: 10 };
const sha = 'a'.repeat(64);

/** The constraint a statement broke (drizzle wraps the driver's error in `cause`). */
async function violated(statement: Promise<unknown>): Promise<string | undefined> {
  try {
    await statement;
    return undefined;
  } catch (err) {
    const e = err as { constraint?: string; cause?: { constraint?: string } };
    return e.constraint ?? e.cause?.constraint ?? String(err);
  }
}

describe('exports table', () => {
  it('starts a request as building with a generated id, no manifest and no review', async () => {
    const row = await insertExport(db, request);
    expect(row).toMatchObject({ status: 'building', redact: false, manifest: null, merkleRoot: null, totalSize: null, reviewedBy: null, failure: null });
    expect(row.exportId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('refuses a request without proofs, with an unknown kind or status, or a chunk size out of bounds', async () => {
    expect(await violated(insertExport(db, { ...request, license: '' }))).toBe('exports_proofs_check');
    expect(await violated(insertExport(db, { ...request, purpose: [] }))).toBe('exports_proofs_check');
    expect(await violated(insertExport(db, { ...request, purpose: ['investigation', ''] }))).toBe('exports_proofs_check');
    expect(await violated(insertExport(db, { ...request, kind: 'abstractive' as 'extractive-summary' }))).toBe('exports_kind_check');
    expect(await violated(insertExport(db, { ...request, ...published, status: 'done' as 'building' }))).toBe('exports_status_check');
    expect(await violated(insertExport(db, { ...request, chunkSize: 0 }))).toBe('exports_chunk_size_check');
    expect(await violated(insertExport(db, { ...request, chunkSize: 64 * 1024 * 1024 + 1 }))).toBe('exports_chunk_size_check');
    expect(await violated(insertExport(db, { ...request, maxDocuments: 0 }))).toBe('exports_max_documents_check');
    expect(await violated(insertExport(db, { ...request, tenantId: 'nobody' }))).toMatch(/tenant_id/);
  });

  it('is published (manifest, root and size together) exactly when past building and not failed', async () => {
    const { exportId } = await insertExport(db, request);
    const set = (values: Partial<typeof dataExports.$inferInsert>) => db.update(dataExports).set(values).where(eq(dataExports.exportId, exportId));
    expect(await violated(set({ status: 'pending_review' }))).toBe('exports_published_check');
    expect(await violated(set({ manifest: { x: 1 }, merkleRoot: 'r', totalSize: 1 }))).toBe('exports_published_check');
    expect(await violated(set({ ...published, totalSize: null }))).toBe('exports_published_check');
    expect(await violated(set(published))).toBeUndefined();
  });

  it('has a reviewer, a reason and a time exactly when decided, and the reviewer is never the requester', async () => {
    const { exportId } = await insertExport(db, { ...request, ...published });
    const set = (values: Partial<typeof dataExports.$inferInsert>) => db.update(dataExports).set(values).where(eq(dataExports.exportId, exportId));
    const at = new Date('2026-12-02T12:00:00Z');
    expect(await violated(set({ status: 'approved' }))).toBe('exports_review_check');
    expect(await violated(set({ reviewedBy: 'user:bob', reviewReason: 'fine', reviewedAt: at }))).toBe('exports_review_check');
    expect(await violated(set({ status: 'approved', reviewedBy: 'user:alice', reviewReason: 'mine', reviewedAt: at }))).toBe('exports_self_review_check');
    expect(await violated(set({ status: 'rejected', reviewedBy: 'user:bob', reviewReason: 'contains PII', reviewedAt: at }))).toBeUndefined();
  });

  it('has a failure reason exactly when failed', async () => {
    const { exportId } = await insertExport(db, request);
    const set = (values: Partial<typeof dataExports.$inferInsert>) => db.update(dataExports).set(values).where(eq(dataExports.exportId, exportId));
    expect(await violated(set({ status: 'failed' }))).toBe('exports_failure_check');
    expect(await violated(set({ failure: 'why' }))).toBe('exports_failure_check');
    expect(await violated(set({ status: 'failed', failure: 'source changed' }))).toBeUndefined();
  });
});

describe('export_chunks table', () => {
  it('refuses a bad hash, an empty or oversized chunk, a negative index and a second row for an index', async () => {
    const { exportId } = await insertExport(db, request);
    const chunk = { exportId, ix: 0, sha256: sha, size: 1024, cursor: 3, cursorOffset: 0 };
    expect(await violated(db.insert(exportChunks).values({ ...chunk, sha256: 'A'.repeat(64) }))).toBe('export_chunks_sha256_check');
    expect(await violated(db.insert(exportChunks).values({ ...chunk, size: 0 }))).toBe('export_chunks_size_check');
    expect(await violated(db.insert(exportChunks).values({ ...chunk, ix: -1 }))).toBe('export_chunks_ix_check');
    expect(await violated(db.insert(exportChunks).values({ ...chunk, cursorOffset: -1 }))).toBe('export_chunks_cursor_offset_check');
    await db.insert(exportChunks).values(chunk);
    expect(await violated(db.insert(exportChunks).values(chunk))).toBe('export_chunks_export_id_ix_pk');
  });

  it('records a chunk only while its export is building, and never replaces a recorded one', async () => {
    const { exportId } = await insertExport(db, request);
    expect(await recordExportChunk(db, { exportId, ix: 0, sha256: sha, size: 1024, cursor: null, cursorOffset: 10 })).toEqual({ outcome: 'recorded' });
    const again = await recordExportChunk(db, { exportId, ix: 0, sha256: 'b'.repeat(64), size: 1024, cursor: 1, cursorOffset: 0 });
    expect(again).toMatchObject({ outcome: 'exists', row: { ix: 0, sha256: sha, cursor: null, cursorOffset: 10 } });
    await db.update(dataExports).set(published).where(eq(dataExports.exportId, exportId));
    expect(await recordExportChunk(db, { exportId, ix: 1, sha256: sha, size: 10, cursor: 2, cursorOffset: 0 })).toEqual({ outcome: 'not-building', status: 'pending_review' });
    expect(await recordExportChunk(db, { exportId: '00000000-0000-4000-8000-000000000000', ix: 0, sha256: sha, size: 1, cursor: null, cursorOffset: 0 })).toEqual({ outcome: 'not-building', status: undefined });
  });
});
