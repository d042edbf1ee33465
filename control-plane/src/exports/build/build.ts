import type { Db } from '../../db/client.ts';
import type { BlobStore } from '../blobs/store.ts';
import { lastExportChunk, recordExportChunk, type ExportRow } from '../queries.ts';
import { exportChunkKey } from './keys.ts';
import { ExportSourceError, packChunks, type JsonValue, type LineSource, type ResumePoint } from './pack.ts';

/*
 * Writes an export's chunks, resumable at any instant (docs/adr/0010: progress in Postgres).
 *
 * Order per chunk: the bytes go to the blob store under their final key first (a put is whole or
 * absent, blobs/store.ts), then one short transaction records {ix, sha256, size, next cursor}.
 * So every export_chunks row names bytes that exist, and a restart resumes after the last row:
 * - a chunk whose blob was written but whose row was not is packed and written again: the source
 *   is deterministic per cursor, so the bytes are the same and the put replaces them whole;
 * - a chunk with a row is never written again.
 * Two runners racing on one export (a runner whose lease expired while still alive) write the same
 * bytes for the same index; the second row insert finds the first and checks the hashes agree.
 */

export interface BuildProgress {
  exportId: string;
  /** Chunks this call stored. */
  stored: number;
  /** Chunks recorded for the export in all. */
  chunks: number;
  /** Every line is in a stored chunk: the export is ready to be finalized. */
  done: boolean;
  /** The export left `building` under the build (published or failed elsewhere); nothing more was recorded. */
  stopped?: boolean;
}

export interface BuildOptions {
  /** Stop after storing this many chunks (a job run's budget); default: no limit. */
  maxChunks?: number;
  /** Told after each chunk is recorded (progress lines, tests). */
  onChunk?: (chunk: { ix: number; sha256: string; size: number }) => void;
}

export async function buildExportChunks(
  db: Db,
  blobs: BlobStore,
  exp: Pick<ExportRow, 'exportId' | 'chunkSize'>,
  source: LineSource<JsonValue>,
  options: BuildOptions = {},
): Promise<BuildProgress> {
  const { exportId, chunkSize } = exp;
  const maxChunks = options.maxChunks ?? Number.POSITIVE_INFINITY;
  const last = await lastExportChunk(db, exportId);
  let chunks = last ? last.ix + 1 : 0;
  // Only the final chunk is short: after it there is nothing left to read.
  if (last && last.size < chunkSize) return { exportId, stored: 0, chunks, done: true };
  const from: ResumePoint<JsonValue> = last ? { cursor: (last.cursor ?? null) as JsonValue | null, offset: last.cursorOffset } : { cursor: null, offset: 0 };

  let stored = 0;
  const packed = packChunks(source(from.cursor), { chunkSize, from, firstIx: chunks })[Symbol.asyncIterator]();
  try {
    for (;;) {
      // Checked before packing, so a run that has used its budget reads no further.
      if (stored >= maxChunks) return { exportId, stored, chunks, done: false };
      const next = await packed.next();
      if (next.done) return { exportId, stored, chunks, done: true };
      const { ix, bytes, next: resume } = next.value;
      const sha256 = await sha256Hex(bytes);
      await blobs.put(exportChunkKey(exportId, ix), bytes);
      const recorded = await recordExportChunk(db, { exportId, ix, sha256, size: bytes.length, cursor: resume.cursor, cursorOffset: resume.offset });
      if (recorded.outcome === 'not-building') return { exportId, stored, chunks, done: false, stopped: true };
      if (recorded.outcome === 'exists' && recorded.row.sha256 !== sha256) {
        throw new ExportSourceError(`chunk ${ix} was packed again with sha256 ${sha256}, but ${recorded.row.sha256} is recorded: the source is not deterministic`);
      }
      stored += 1;
      chunks = ix + 1;
      options.onChunk?.({ ix, sha256, size: bytes.length });
    }
  } finally {
    await packed.return?.();
  }
}

/** Lowercase hex SHA-256, through WebCrypto: the same call on Node and in workerd. */
export async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  let hex = '';
  for (const b of digest) hex += b.toString(16).padStart(2, '0');
  return hex;
}
