import type { ChunkSpan } from '../download/index.ts';
import type { ExportCheckFailure } from '../manifest/index.ts';
import type { VerifiedChunk } from './read.ts';

// Bytes handed to the transport at a time. Copies, so the chunk they came from can be freed once
// its last piece is taken, before the next chunk is read: memory holds one chunk, not two.
const PIECE = 64 * 1024;

export interface VerifiedStreamOptions {
  /** The spans to send, in order (download/spans.ts). */
  spans: readonly ChunkSpan[];
  /** The first span's chunk, already read and verified (so its refusal could still be a status code). */
  first: Uint8Array;
  /** Reads and verifies a chunk (read.ts readVerifiedChunk); called only when the previous one is sent. */
  load(ix: number): Promise<VerifiedChunk>;
  /** Told when a later chunk fails its check; the stream then errors without a byte of that chunk. */
  onCorrupt(failure: ExportCheckFailure): Promise<void>;
}

/**
 * The bytes of the spans, chunk after chunk, each chunk checked against the manifest before any of
 * its bytes is enqueued. Pull-driven with no read-ahead (highWaterMark 0): the next chunk is read
 * when the client has taken the last piece of this one, so a slow client holds one chunk. A chunk
 * that fails its check errors the stream: the response is cut short of its Content-Length, which
 * every HTTP client reports, and a resume from there meets the refusal as a status code.
 */
export function verifiedChunkStream(opts: VerifiedStreamOptions): ReadableStream<Uint8Array> {
  let next = 1;
  let current: Uint8Array | null = slice(opts.first, opts.spans[0]!);
  let at = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (current === null) {
          const span = opts.spans[next++];
          if (span === undefined) return controller.close();
          let chunk: VerifiedChunk;
          try {
            chunk = await opts.load(span.ix);
          } catch (err) {
            return controller.error(err);
          }
          if (!chunk.ok) {
            await opts.onCorrupt(chunk.failure).catch((err: unknown) => console.error('[exports] recording a corrupt chunk failed', err));
            return controller.error(new Error(`chunk ${span.ix} failed its check against the manifest (${chunk.failure.code}); the download stops before it`));
          }
          current = slice(chunk.bytes, span);
          at = 0;
        }
        const end = Math.min(at + PIECE, current.byteLength);
        controller.enqueue(current.slice(at, end));
        at = end;
        if (at >= current.byteLength) current = null;
      },
      cancel() {
        current = null;
      },
    },
    { highWaterMark: 0 },
  );
}

function slice(bytes: Uint8Array, span: ChunkSpan): Uint8Array {
  return bytes.subarray(span.from, span.to + 1);
}
