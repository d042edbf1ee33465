import { ErrorCode } from '@conductor/sdk';
import { EdgeError } from './errors.ts';

export const MAX_BODY_BYTES = 64 * 1024;

/**
 * Reads the body as UTF-8 text, refusing more than `limit` bytes. Content-Length is checked first
 * (cheap rejection), then the bytes actually read, because the header can be absent or lie
 * (chunked uploads).
 */
export async function readTextLimited(request: Request, limit = MAX_BODY_BYTES): Promise<string> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > limit) throw tooLarge(limit);
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
  return new TextDecoder().decode(bytes);
}

function tooLarge(limit: number): EdgeError {
  return new EdgeError(413, ErrorCode.PAYLOAD_TOO_LARGE, `request body exceeds ${limit} bytes`);
}
