import { ErrorCode } from '@conductor/sdk';
import { EdgeError } from './errors.ts';

export const MAX_BODY_BYTES = 64 * 1024;

const decoder = new TextDecoder();

/**
 * Reads the body as UTF-8 text, refusing more than `limit` bytes. With a Content-Length within the
 * limit the body is read whole, by one native `text()`: HTTP framing makes the body exactly that
 * long, and on the hit path a chunk loop, or an ArrayBuffer then a decode, cost several times as
 * much (bench:edge-profile). Without one (chunked uploads) the chunks are counted as they arrive,
 * so an endless body is cut off at the limit. A Request built in code can declare any length: its
 * text is checked too (each UTF-16 unit is at least one byte, so a longer text is surely over).
 */
export async function readTextLimited(request: Request, limit = MAX_BODY_BYTES): Promise<string> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > limit) throw tooLarge(limit);
  if (declared !== null) {
    const text = await request.text();
    if (text.length > limit) throw tooLarge(limit);
    return text;
  }
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.byteLength;
  }
  return decoder.decode(bytes);
}

function tooLarge(limit: number): EdgeError {
  return new EdgeError(413, ErrorCode.PAYLOAD_TOO_LARGE, `request body exceeds ${limit} bytes`);
}
