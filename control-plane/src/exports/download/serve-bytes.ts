import type { Context } from 'hono';
import { ErrorCode } from '@conductor/sdk';
import { ApiError } from '../../http/errors.ts';
import { decideRange, type RangeDecision } from './range.ts';

/** What a reader hands back: a stream for a large range, an array for a buffered one (a checked chunk). */
export type Bytes = ReadableStream<Uint8Array> | Uint8Array<ArrayBuffer>;

export interface ByteSource {
  /** Bytes in the representation. */
  size: number;
  /** Strong ETag: chunkEtag(sha256) or downloadEtag(merkleRoot). */
  etag: string;
  /**
   * RFC 9530 field value (sha256DigestField) over the whole representation, when it is known
   * without hashing: a chunk's manifest sha256. The download has none (the manifest holds only the
   * tree root), so it goes without.
   */
  reprDigest?: string;
  contentType: string;
  /**
   * The bytes [start, endInclusive]; never called for HEAD, for an empty body or for a 416. An
   * array of another length is refused (500) rather than sent under a wrong Content-Length.
   */
  read(start: number, endInclusive: number): Bytes | Promise<Bytes>;
  /** Sees every decision before the response is built: resume and bytes-served counters. */
  observe?(decision: RangeDecision): void;
}

/**
 * The Response for a GET or HEAD of an immutable byte representation, honouring Range and If-Range
 * (decideRange). A 416 is thrown as ApiError so it leaves through app.onError with the JSON error
 * envelope and `Content-Range: bytes *\/size`.
 *
 * Digests (RFC 9530): Repr-Digest (§3) covers the whole representation, so it is the same on a 200
 * and a 206 and is what a client checks after stitching a resumed download together. Content-Digest
 * (§2) covers this message's content: on a 200 that is the whole representation (no content coding
 * is applied, and `no-transform` asks intermediaries not to add one), so it equals Repr-Digest; on
 * a 206 it would be a digest of the partial bytes, which nobody has without hashing them before the
 * first byte is sent, so it is left out rather than sent wrong. A HEAD response has no content and
 * gets Repr-Digest only.
 */
export async function bytesResponse(c: Context, source: ByteSource): Promise<Response> {
  const decision = decideRange({ range: c.req.header('Range'), ifRange: c.req.header('If-Range'), size: source.size, etag: source.etag });
  source.observe?.(decision);
  if (decision.status === 416) {
    throw new ApiError(416, ErrorCode.RANGE_NOT_SATISFIABLE, `range not satisfiable: the representation has ${source.size} bytes`, {
      'Content-Range': decision.contentRange,
      'Accept-Ranges': 'bytes',
    });
  }

  const headers: Record<string, string> = {
    'Accept-Ranges': 'bytes',
    ETag: source.etag,
    'Content-Type': source.contentType,
    'Content-Length': String(decision.length),
    // Exports are one tenant's data; a transforming proxy would also falsify the digests.
    'Cache-Control': 'private, no-transform',
  };
  if (source.reprDigest !== undefined) headers['Repr-Digest'] = source.reprDigest;
  const head = c.req.method === 'HEAD';
  if (decision.status === 206) headers['Content-Range'] = decision.contentRange;
  else if (source.reprDigest !== undefined && !head) headers['Content-Digest'] = source.reprDigest;

  if (head || decision.length === 0) return c.body(null, decision.status, headers);
  const [start, end] = decision.status === 206 ? [decision.start, decision.end] : [0, source.size - 1];
  const body = await source.read(start, end);
  if (body instanceof Uint8Array && body.byteLength !== decision.length) {
    throw new Error(`read(${start}, ${end}) returned ${body.byteLength} bytes, expected ${decision.length}`);
  }
  return c.body(body, decision.status, headers);
}
