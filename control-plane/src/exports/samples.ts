import type { Manifest } from '@conductor/schema/contracts/exports';
import { ErrorCode } from '@conductor/sdk';
import { authorizeAs } from '../auth/authorize.ts';
import type { Principal } from '../auth/principal.ts';
import type { Db } from '../db/client.ts';
import { ApiError } from '../http/errors.ts';
import type { BlobStore } from './blobs/store.ts';
import { readVerifiedChunk } from './serving/read.ts';
import { refuseCorrupt } from './serving/record.ts';
import { exportResource, loadExport } from './service.ts';
import type { ExportLine } from './summary/index.ts';

export const MAX_SAMPLE_LINES = 100;

export interface ExportSample {
  /** The first lines of the export, each with its provenance ({docId, start, end}). */
  lines: ExportLine[];
  /** More lines follow. */
  more: boolean;
}

/**
 * The first `limit` lines of an export, for its reviewer (admin review queue): what they are asked
 * to release, each line with the offsets it was copied from. Cedar `reviewExport` decides (a
 * reviewer sees samples, not downloads, docs/adr/0016), on exports that still have their chunks
 * (pending_review or approved). Chunks are read in order and each is checked against the signed
 * manifest before its lines are used; a damaged one is refused and counted like a download.
 */
export async function sampleExportLines(db: Db, blobs: BlobStore, principal: Principal, exportId: string, opts: { limit?: number } = {}): Promise<ExportSample> {
  const limit = Math.min(Math.max(1, opts.limit ?? 10), MAX_SAMPLE_LINES);
  const row = await loadExport(db, exportId);
  authorizeAs(principal, 'reviewExport', exportResource(row));
  if (row.status !== 'pending_review' && row.status !== 'approved') {
    throw new ApiError(409, ErrorCode.CONFLICT, `export "${row.exportId}" is ${row.status}: it has no lines to sample`);
  }
  const manifest = row.manifest as Manifest;
  // Lines span chunks (docs/adr/0015), and a cut may fall inside a UTF-8 character: decode as a stream.
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const lines: ExportLine[] = [];
  let partial = '';
  for (const { ix } of manifest.chunks) {
    const chunk = await readVerifiedChunk(blobs, manifest, ix);
    if (!chunk.ok) throw await refuseCorrupt(db, row, chunk.failure, undefined);
    const parts = (partial + decoder.decode(chunk.bytes, { stream: true })).split('\n');
    partial = parts.pop()!;
    for (const text of parts) {
      if (lines.length === limit) return { lines, more: true };
      lines.push(JSON.parse(text) as ExportLine);
    }
  }
  return { lines, more: false };
}
