import type { ManifestChunk } from '@conductor/schema/contracts/exports';
import { chunkEtag } from '../download/range.ts';

/*
 * The resume plan of `conductor export pull` (pure: no I/O; docs/adr/0019). Given the signed manifest's chunk list
 * and what a previous pull left on disk (layout.ts), it says, per chunk, what to do so that only
 * missing bytes cross the network:
 *
 *   - a complete file of the listed size is re-hashed, not fetched (the disk may have changed since
 *     it was written); it is fetched whole only if the hash does not match;
 *   - a part file shorter than the chunk is resumed: `Range: bytes=<its length>-` with
 *     `If-Range: <chunk ETag>`, so a server whose chunk is not the one the manifest lists answers
 *     200 with the whole chunk instead of splicing other bytes onto ours (RFC 9110 §13.1.5);
 *   - a part file of exactly the listed size (killed between the last write and the rename) is
 *     re-hashed like a complete one;
 *   - anything longer than the listed size cannot be a prefix of the chunk and is discarded.
 *
 * The same checks catch a part file damaged on disk: its prefix is hashed with the fetched bytes,
 * and a mismatch of a resumed chunk is retried once from byte 0 (engine.ts).
 */

/** Sizes of the files a previous pull left for one chunk (absent: no such file). */
export interface ChunkOnDisk {
  complete?: number;
  partial?: number;
}

type Listed = Pick<ManifestChunk, 'ix' | 'size' | 'sha256'>;

export type ChunkStep = Listed & {
  /**
   * Files to drop before the step: a complete file of the wrong size (kept as `.rejected`), a part
   * file that cannot be resumed or is shadowed by a complete file (deleted).
   */
  discard: Array<'complete' | 'partial'>;
} & (
    | {
        /** The file already holds `size` bytes: hash it, keep it if it matches, else fetch from 0. */
        action: 'check';
        file: 'complete' | 'partial';
      }
    | {
        /** Fetch from byte `from` to the end; from > 0 resumes the part file of that length. */
        action: 'fetch';
        from: number;
      }
  );

export interface PullPlan {
  steps: ChunkStep[];
  /** The export's size: the sum of the listed chunk sizes. */
  totalBytes: number;
  /** Bytes on disk to re-hash (complete chunks, full parts, the prefixes of resumed parts). */
  reuseBytes: number;
  /** Bytes to fetch if every re-hash passes: what is missing. */
  fetchBytes: number;
  /** Bytes on disk the plan throws away (they were downloaded before and will be again). */
  discardBytes: number;
}

export function planPull(chunks: readonly Listed[], onDisk: ReadonlyMap<number, ChunkOnDisk>): PullPlan {
  const plan: PullPlan = { steps: [], totalBytes: 0, reuseBytes: 0, fetchBytes: 0, discardBytes: 0 };
  for (const chunk of chunks) {
    const { ix, size, sha256 } = chunk;
    const disk = onDisk.get(ix) ?? {};
    const listed = { ix, size, sha256 };
    const discard: ChunkStep['discard'] = [];
    plan.totalBytes += size;
    let step: ChunkStep;
    if (disk.complete === size) {
      if (disk.partial !== undefined) discard.push('partial');
      step = { ...listed, discard, action: 'check', file: 'complete' };
    } else {
      if (disk.complete !== undefined) {
        discard.push('complete');
        plan.discardBytes += disk.complete;
      }
      const part = disk.partial;
      if (part === size) step = { ...listed, discard, action: 'check', file: 'partial' };
      else if (part !== undefined && part < size) step = { ...listed, discard, action: 'fetch', from: part };
      else {
        if (part !== undefined) {
          discard.push('partial');
          plan.discardBytes += part;
        }
        step = { ...listed, discard, action: 'fetch', from: 0 };
      }
    }
    const reused = step.action === 'check' ? size : step.from;
    plan.reuseBytes += reused;
    plan.fetchBytes += size - reused;
    plan.steps.push(step);
  }
  return plan;
}

/** The conditional headers of a chunk GET: none for a whole chunk, Range and If-Range to resume. */
export function chunkRequestHeaders(chunk: Pick<ManifestChunk, 'sha256'>, from: number): Record<string, string> {
  if (from === 0) return {};
  return { Range: `bytes=${from}-`, 'If-Range': chunkEtag(chunk.sha256) };
}

/** What came back for a chunk GET, as far as deciding where its body goes. */
export interface ChunkResponseHead {
  status: number;
  contentRange?: string | null;
}

export type ChunkResponseUse =
  /** Write the body at offset `at` of the part file: 0 replaces it, `from` appends to it. */
  | { use: 'write'; at: number }
  /** 416: the server knows no byte at `from`, so the part cannot be a prefix of its chunk: restart without Range. */
  | { use: 'restart' }
  /** Not an answer a chunk GET may get: the pull stops for this chunk with the reason. */
  | { use: 'fail'; message: string };

/**
 * Where the body of a chunk GET sent with chunkRequestHeaders(chunk, from) goes. A 200 is the whole
 * chunk whether or not a Range was sent (If-Range did not match, or the server ignores Range); a
 * 206 must be exactly the rest of the chunk as listed, since a pull asks for nothing else.
 */
export function useChunkResponse(chunk: Pick<ManifestChunk, 'ix' | 'size'>, from: number, head: ChunkResponseHead): ChunkResponseUse {
  const { ix, size } = chunk;
  if (head.status === 200) return { use: 'write', at: 0 };
  if (head.status === 206) {
    const expected = `bytes ${from}-${size - 1}/${size}`;
    if (from === 0) return { use: 'fail', message: `chunk ${ix}: 206 to a request without Range` };
    if (head.contentRange?.trim() !== expected) return { use: 'fail', message: `chunk ${ix}: expected Content-Range ${expected}, got ${head.contentRange ?? 'none'}` };
    return { use: 'write', at: from };
  }
  if (head.status === 416 && from > 0) return { use: 'restart' };
  return { use: 'fail', message: `chunk ${ix}: HTTP ${head.status}` };
}
