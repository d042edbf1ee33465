import { describe, expect, it } from 'vitest';
import { chunkSpans } from '../download/index.ts';
import type { VerifiedChunk } from './read.ts';
import { verifiedChunkStream } from './stream.ts';

// Three 100 000-byte chunks (over one 64 KiB piece each) of distinct bytes.
const CHUNKS = [1, 2, 3].map((fill) => new Uint8Array(100_000).fill(fill));
const SIZES = CHUNKS.map((c) => c.byteLength);

function streamOf(start: number, end: number, damaged?: number) {
  const loads: number[] = [];
  const corrupt: number[] = [];
  const spans = chunkSpans(SIZES, start, end);
  const stream = verifiedChunkStream({
    spans,
    first: CHUNKS[spans[0]!.ix]!,
    load: async (ix): Promise<VerifiedChunk> => {
      loads.push(ix);
      return ix === damaged ? { ok: false, failure: { code: 'CHUNK_HASH_MISMATCH', message: 'altered', ix } } : { ok: true, bytes: CHUNKS[ix]! };
    },
    onCorrupt: async (failure) => {
      corrupt.push(failure.ix!);
    },
  });
  return { stream, loads, corrupt };
}

describe('verifiedChunkStream', () => {
  it('sends the spans in order, reading a chunk only once every byte of the one before was taken', async () => {
    const { stream, loads } = streamOf(99_000, 250_000);
    const reader = stream.getReader();
    const got: Uint8Array[] = [];
    let taken = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      got.push(value);
      taken += value.byteLength;
      // Bytes 99 000..99 999 are the first chunk's; the second is read when they are all taken, not before.
      expect(loads.length, `after ${taken} bytes`).toBe(taken <= 1_000 ? 0 : taken <= 101_000 ? 1 : 2);
      expect(value.byteLength).toBeLessThanOrEqual(64 * 1024);
    }
    expect(loads).toEqual([1, 2]);
    const all = Buffer.concat(got);
    expect(all.byteLength).toBe(250_000 - 99_000 + 1);
    expect([all[0], all[999], all[1_000], all[100_999], all[101_000], all.at(-1)]).toEqual([1, 1, 2, 2, 3, 3]);
  });

  it('errors before the first byte of a chunk that fails its check, and reports it once', async () => {
    const { stream, corrupt } = streamOf(0, 299_999, 2);
    const reader = stream.getReader();
    let taken = 0;
    const failure = await (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return null;
        expect(value.every((b) => b !== 3)).toBe(true);
        taken += value.byteLength;
      }
    })().catch((err: unknown) => err);
    expect(String(failure)).toContain('chunk 2 failed its check against the manifest (CHUNK_HASH_MISMATCH)');
    expect(taken).toBe(200_000);
    expect(corrupt).toEqual([2]);
  });
});
