/*
 * Which chunks a byte range of the whole download touches. The download is the chunks
 * concatenated in ix order (docs/adr/0015 §1), so byte b of it is byte b − offset(ix) of the chunk
 * that holds it. Pure: the sizes come from the signed manifest.
 */

/** Bytes [from, to] (inclusive, as in Content-Range) of chunk `ix`. */
export interface ChunkSpan {
  ix: number;
  from: number;
  to: number;
}

/**
 * The chunk spans that make up bytes [start, end] (inclusive) of the concatenation of chunks with
 * these sizes, in order. Walks the sizes rather than dividing by the chunk size, so it holds for
 * any sizes a manifest lists; the manifest's own consistency is checked elsewhere (verify.ts).
 */
export function chunkSpans(sizes: readonly number[], start: number, end: number): ChunkSpan[] {
  const total = sizes.reduce((sum, size) => sum + size, 0);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start || end >= total) {
    throw new RangeError(`bytes ${start}-${end} are not inside a representation of ${total} bytes`);
  }
  const spans: ChunkSpan[] = [];
  let offset = 0;
  for (const [ix, size] of sizes.entries()) {
    const first = offset;
    const last = offset + size - 1;
    offset += size;
    if (last < start || size === 0) continue;
    if (first > end) break;
    spans.push({ ix, from: Math.max(start, first) - first, to: Math.min(end, last) - first });
  }
  return spans;
}
