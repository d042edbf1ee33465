/*
 * Blob keys of an export's chunks. Zero-padded indexes list in chunk order (R2 lists keys
 * lexicographically), and no key is a '/'-prefix of another (blobs/store.ts).
 */

/** Everything of one export in the blob store: `deletePrefix(exportBlobPrefix(id))` drops it. */
export function exportBlobPrefix(exportId: string): string {
  return `exports/${exportId}/`;
}

export function exportChunkKey(exportId: string, ix: number): string {
  if (!Number.isSafeInteger(ix) || ix < 0) throw new RangeError(`chunk index must be a non-negative integer, got ${ix}`);
  return `${exportBlobPrefix(exportId)}chunks/${String(ix).padStart(8, '0')}`;
}
