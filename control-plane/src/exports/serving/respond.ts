import type { Context } from 'hono';
import { EXPORT_CONTENT_TYPE, type Manifest } from '@conductor/schema/contracts/exports';
import { ErrorCode } from '@conductor/sdk';
import { authorizeAs } from '../../auth/authorize.ts';
import type { Principal } from '../../auth/principal.ts';
import type { Db } from '../../db/client.ts';
import type { AppEnv } from '../../http/env.ts';
import { ApiError } from '../../http/errors.ts';
import type { BlobStore } from '../blobs/store.ts';
import { bytesResponse, chunkEtag, chunkSpans, downloadEtag, sha256DigestField, type RangeDecision } from '../download/index.ts';
import type { ExportRow } from '../queries.ts';
import { exportResource, loadExport } from '../service.ts';
import { assertExportsEnabled } from '../switch/service.ts';
import { readVerifiedChunk } from './read.ts';
import { recordServed, recordUnsatisfiable, refuseCorrupt } from './record.ts';
import { verifiedChunkStream } from './stream.ts';

/*
 * GET /v1/exports/{id}/chunks/{ix} and GET /v1/exports/{id}/download: bytes of an approved export
 * with Range/If-Range, a strong ETag from the manifest's hashes and, on chunks, RFC 9530 digests
 * (download/serve-bytes.ts). No byte leaves unchecked: a chunk is read whole and checked against
 * the signed manifest first (read.ts); one that fails is refused (500 EXPORT_CORRUPT) and counted.
 */

export interface ServeDeps {
  db: Db;
  blobs: BlobStore;
}

/** Cedar `downloadExport` (approved only, docs/adr/0016), then the backout switch. */
async function downloadable(db: Db, principal: Principal, exportId: string): Promise<{ row: ExportRow; manifest: Manifest }> {
  const row = await loadExport(db, exportId);
  authorizeAs(principal, 'downloadExport', exportResource(row));
  await assertExportsEnabled(db);
  // Approved implies published: the table's CHECK ties the manifest to every status after building.
  if (!row.manifest) throw new Error(`export ${row.exportId} is ${row.status} without a manifest`);
  return { row, manifest: row.manifest as Manifest };
}

/** The chunk's index in the manifest, or 404 naming the valid ones. */
export function manifestChunk(row: ExportRow, manifest: Manifest, ix: number): Manifest['chunks'][number] {
  const chunk = manifest.chunks[ix];
  if (chunk?.ix !== ix) {
    const valid = manifest.chunks.length === 0 ? 'none' : `0..${manifest.chunks.length - 1}`;
    throw new ApiError(404, ErrorCode.NOT_FOUND, `export "${row.exportId}" has no chunk ${ix} (chunks: ${valid})`);
  }
  return chunk;
}

/**
 * Serves through bytesResponse, recording what it decided: a 416 is counted before it is thrown,
 * and `read` (called only for a GET with bytes to send) verifies, then audits and counts, then sends.
 */
async function respond(
  c: Context<AppEnv>,
  db: Db,
  row: ExportRow,
  source: { size: number; etag: string; reprDigest?: string; read(start: number, end: number, decision: RangeDecision): Promise<Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array>> },
): Promise<Response> {
  let decision: RangeDecision | undefined;
  try {
    return await bytesResponse(c, {
      size: source.size,
      etag: source.etag,
      reprDigest: source.reprDigest,
      contentType: EXPORT_CONTENT_TYPE,
      observe: (d) => {
        decision = d;
      },
      read: (start, end) => source.read(start, end, decision!),
    });
  } catch (err) {
    if (decision?.status === 416) await recordUnsatisfiable(db, row, c.req.header('Range'), decision, source.size);
    throw err;
  }
}

export async function serveChunk(c: Context<AppEnv>, deps: ServeDeps, principal: Principal, exportId: string, ix: number): Promise<Response> {
  const { row, manifest } = await downloadable(deps.db, principal, exportId);
  const chunk = manifestChunk(row, manifest, ix);
  const range = c.req.header('Range');
  return respond(c, deps.db, row, {
    size: chunk.size,
    etag: chunkEtag(chunk.sha256),
    reprDigest: sha256DigestField(chunk.sha256),
    async read(start, end, decision) {
      const verified = await readVerifiedChunk(deps.blobs, manifest, ix);
      if (!verified.ok) throw await refuseCorrupt(deps.db, row, verified.failure, range);
      if (decision.status === 416) throw new Error('bytesResponse read a 416');
      await recordServed(deps.db, { principal, row, chunk: ix, range, decision, size: chunk.size });
      return verified.bytes.subarray(start, end + 1);
    },
  });
}

/**
 * The whole JSONL: the chunks' bytes concatenated, streamed a chunk at a time. The first chunk of
 * the requested bytes is verified before the status line, so damage there is a clean 500; a later
 * damaged chunk cuts the stream short before its first byte (stream.ts), and is counted on Node;
 * on a Worker the request's database pool is closing by then, so it is logged, and the client's
 * resume, which starts inside that chunk, is refused and counted as a status code.
 */
export async function serveDownload(c: Context<AppEnv>, deps: ServeDeps, principal: Principal, exportId: string): Promise<Response> {
  const { row, manifest } = await downloadable(deps.db, principal, exportId);
  const range = c.req.header('Range');
  const sizes = manifest.chunks.map((chunk) => chunk.size);
  return respond(c, deps.db, row, {
    size: manifest.totalSize,
    etag: downloadEtag(manifest.merkleRoot),
    async read(start, end, decision) {
      const spans = chunkSpans(sizes, start, end);
      const first = await readVerifiedChunk(deps.blobs, manifest, spans[0]!.ix);
      if (!first.ok) throw await refuseCorrupt(deps.db, row, first.failure, range);
      if (decision.status === 416) throw new Error('bytesResponse read a 416');
      await recordServed(deps.db, { principal, row, chunk: null, range, decision, size: manifest.totalSize });
      return verifiedChunkStream({
        spans,
        first: first.bytes,
        load: (ix) => readVerifiedChunk(deps.blobs, manifest, ix),
        // Mid-stream: counted as a refusal; the request was already counted as served.
        onCorrupt: async (failure) => {
          await refuseCorrupt(deps.db, row, failure, undefined);
        },
      });
    },
  });
}
