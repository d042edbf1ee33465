import { canonicalJson } from './canonical-json.ts';

const encoder = new TextEncoder();

/** Lowercase hex SHA-256 via WebCrypto, so the same code runs in Workers, Node and browsers. */
export async function sha256Hex(input: string | Uint8Array): Promise<string> {
  // The copy pins the buffer type to ArrayBuffer, which WebCrypto's BufferSource requires.
  const bytes = typeof input === 'string' ? encoder.encode(input) : new Uint8Array(input);
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return toHex(new Uint8Array(digest));
}

export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

/** Persisted document id as in the GraphQL-over-HTTP persisted documents draft: `sha256:<hex of the document text>`. */
export async function documentId(document: string): Promise<string> {
  return `sha256:${await sha256Hex(document)}`;
}

/** Hash of the canonical JSON of the variables: the `varsHash` part of every cache key. */
export async function variablesHash(variables: unknown): Promise<string> {
  return sha256Hex(canonicalJson(variables ?? null));
}
