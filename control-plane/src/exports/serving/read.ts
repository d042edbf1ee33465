import type { Manifest } from '@conductor/schema/contracts/exports';
import type { BlobStore } from '../blobs/store.ts';
import { exportChunkKey } from '../build/keys.ts';
import { checkChunk, type ExportCheckFailure } from '../manifest/index.ts';

export type VerifiedChunk = { ok: true; bytes: Uint8Array<ArrayBuffer> } | { ok: false; failure: ExportCheckFailure };

/**
 * Chunk `ix` of a published export, read whole from the blob store and checked against the signed
 * manifest (checkChunk) before anyone sees a byte of it. Memory holds this one chunk, at most the
 * manifest's chunkSize: a stored object of another size is refused by its size alone, unread.
 * Missing bytes count as damage too: a published export's chunks must all be there.
 */
export async function readVerifiedChunk(blobs: BlobStore, manifest: Manifest, ix: number): Promise<VerifiedChunk> {
  const expected = manifest.chunks[ix];
  if (expected?.ix !== ix) throw new RangeError(`chunk ${ix} is not in the manifest of export ${manifest.exportId}`);
  const got = await blobs.get(exportChunkKey(manifest.exportId, ix));
  if (!got) return { ok: false, failure: { code: 'CHUNK_MISSING', message: `chunk ${ix} is missing from the blob store`, ix } };
  if (got.size !== expected.size) {
    await got.body.cancel();
    return got.size < expected.size
      ? { ok: false, failure: { code: 'CHUNK_TRUNCATED', message: `chunk ${ix} has ${got.size} of its ${expected.size} bytes`, ix } }
      : { ok: false, failure: { code: 'CHUNK_SIZE_MISMATCH', message: `chunk ${ix} has ${got.size} bytes; the manifest lists ${expected.size}`, ix } };
  }
  const bytes = new Uint8Array(expected.size);
  let at = 0;
  const reader = got.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (at + value.byteLength > bytes.byteLength) {
      await reader.cancel();
      return { ok: false, failure: { code: 'CHUNK_SIZE_MISMATCH', message: `chunk ${ix} streams more than its ${expected.size} bytes`, ix } };
    }
    bytes.set(value, at);
    at += value.byteLength;
  }
  const failure = await checkChunk(manifest, ix, at === bytes.byteLength ? bytes : bytes.subarray(0, at));
  return failure ? { ok: false, failure } : { ok: true, bytes };
}
