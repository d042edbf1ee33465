import { join } from 'node:path';

/*
 * What `conductor export pull ID --out DIR` leaves in DIR (pure: paths only; docs/adr/0019).
 *
 *   DIR/manifest.json               the signed manifest, as the control plane served it
 *   DIR/chunks/000000.jsonl         chunk 0, complete and verified against its manifest entry
 *   DIR/chunks/000001.jsonl.part    chunk 1, partly downloaded: a rerun resumes it with Range
 *   DIR/chunks/000002.jsonl.rejected  chunk 2 as it was when it failed its check (kept to inspect;
 *                                   a rerun fetches the chunk again and never reads this file)
 *
 * `cat DIR/chunks/*.jsonl` is the export's JSONL: the names sort in ix order (a manifest lists at
 * most 1,000,000 chunks, so six digits always suffice) and the chunks are fixed-size byte cuts of
 * the one concatenated file (docs/adr/0015). A `.jsonl` file only ever appears by renaming a
 * `.part` whose length and SHA-256 matched, so a kill leaves complete chunks or parts, never a
 * wrong `.jsonl`; a later pull re-hashes it all the same (the disk may have changed since).
 */

export const MANIFEST_FILE = 'manifest.json';
export const CHUNKS_DIR = 'chunks';
const DIGITS = 6;

export type ChunkFileKind = 'complete' | 'partial' | 'rejected';
const SUFFIX: Record<ChunkFileKind, string> = { complete: '.jsonl', partial: '.jsonl.part', rejected: '.jsonl.rejected' };

export function manifestPath(dir: string): string {
  return join(dir, MANIFEST_FILE);
}

export function chunksDir(dir: string): string {
  return join(dir, CHUNKS_DIR);
}

export function chunkFileName(ix: number, kind: ChunkFileKind = 'complete'): string {
  if (!Number.isSafeInteger(ix) || ix < 0 || ix >= 10 ** DIGITS) throw new RangeError(`chunk index must be an integer from 0 to ${10 ** DIGITS - 1}, got ${ix}`);
  return `${String(ix).padStart(DIGITS, '0')}${SUFFIX[kind]}`;
}

export function chunkPath(dir: string, ix: number, kind: ChunkFileKind = 'complete'): string {
  return join(chunksDir(dir), chunkFileName(ix, kind));
}

/** The chunk a file in DIR/chunks holds, or null for a name pull never writes (left alone). */
export function parseChunkFileName(name: string): { ix: number; kind: ChunkFileKind } | null {
  const match = /^(\d{6})(\.jsonl(?:\.part|\.rejected)?)$/.exec(name);
  if (!match) return null;
  const kind = (Object.keys(SUFFIX) as ChunkFileKind[]).find((k) => SUFFIX[k] === match[2])!;
  return { ix: Number(match[1]), kind };
}
