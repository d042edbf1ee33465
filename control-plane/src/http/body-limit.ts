import type { Context, MiddlewareHandler } from 'hono';
import { ErrorCode } from '@conductor/sdk';
import type { AppEnv } from './env.ts';
import { ApiError } from './errors.ts';

/** How much of an oversized body is read and thrown away so that the client sees the 413 (see bodyLimit). */
export const DRAIN_MAX_BYTES = 32 * 1024 * 1024;

/**
 * Caps a request body at `maxSize` bytes: over it, 413 PAYLOAD_TOO_LARGE and no handler runs.
 *
 * Written here rather than taken from hono/body-limit because of when the 413 leaves. Hono's
 * answers as soon as it knows (from Content-Length, before reading anything), which HTTP allows
 * but real clients handle badly: undici (Node's fetch) that is still writing the body gets EPIPE
 * instead of the 413, and on Node the unread rest stays in the keep-alive connection, which
 * @hono/node-server closes under the client's next request. So an oversized body is read to its
 * end and discarded, up to DRAIN_MAX_BYTES, before the answer goes out; the connection is then
 * clean and stays usable. A body larger still is answered with `Connection: close`
 * (docs/adr/0011-http-conformance-graphql-http-and-body-limits.md).
 */
export function bodyLimit(maxSize: number): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const length = c.req.header('content-length');
    if (length !== undefined && !c.req.raw.headers.has('transfer-encoding')) {
      // The runtime holds the body to its declared length, so only the number needs checking.
      if (Number(length) > maxSize) return tooLarge(c, maxSize, c.req.raw.body?.getReader(), 0);
    } else if (c.req.raw.body) {
      // No declared length (chunked): count while reading, and hand the handlers the bytes read.
      const reader = c.req.raw.body.getReader();
      const chunks: Uint8Array[] = [];
      let size = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > maxSize) return tooLarge(c, maxSize, reader, size);
        chunks.push(value);
      }
      const bytes = new Uint8Array(size);
      let offset = 0;
      for (const chunk of chunks) {
        bytes.set(chunk, offset);
        offset += chunk.byteLength;
      }
      c.req.raw = new Request(c.req.raw, { body: bytes });
    }
    await next();
    // A body nobody read (e.g. refused with 401 first) would stay in the connection just the same.
    const unread = c.req.raw.bodyUsed ? null : c.req.raw.body;
    if (unread && !unread.locked) await discard(unread.getReader(), maxSize);
  };
}

/** Reads and drops at most `max` more bytes; true when the body ended within them. */
async function discard(reader: ReadableStreamDefaultReader<Uint8Array>, max: number, read = 0): Promise<boolean> {
  try {
    while (read <= max) {
      const { done, value } = await reader.read();
      if (done) return true;
      read += value.byteLength;
    }
    return false;
  } catch {
    // The client went away mid-body: nothing is left to answer on.
    return false;
  } finally {
    reader.releaseLock();
  }
}

async function tooLarge(c: Context<AppEnv>, maxSize: number, reader: ReadableStreamDefaultReader<Uint8Array> | undefined, read: number): Promise<never> {
  // Cancelling the rest would tear the socket down before the 413 is written; closing after it does not.
  if (reader && !(await discard(reader, DRAIN_MAX_BYTES, read))) c.header('connection', 'close');
  throw new ApiError(413, ErrorCode.PAYLOAD_TOO_LARGE, `request body is over ${maxSize} bytes`);
}
