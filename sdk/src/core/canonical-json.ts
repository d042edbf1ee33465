import canonicalize from 'canonicalize';

/**
 * RFC 8785 (JCS) canonical JSON: sorted keys, no whitespace, ECMAScript number
 * formatting. Two variable objects that differ only in key order produce the same
 * string, which is what makes the cache key stable across clients.
 * `undefined` (a missing value) canonicalises to `null` only at the top level:
 * "no variables" and "variables: null" are the same request.
 */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  assertJsonSafe(value, '$');
  const out = canonicalize(value);
  if (out === undefined) throw new TypeError('value is not representable as JSON');
  return out;
}

// canonicalize silently turns NaN/Infinity into null; a cache key must not merge those with null.
function assertJsonSafe(value: unknown, path: string): void {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new TypeError(`non-finite number at ${path}`);
  }
  if (typeof value === 'bigint') throw new TypeError(`bigint at ${path} is not JSON`);
  if (Array.isArray(value)) value.forEach((v, i) => assertJsonSafe(v, `${path}[${i}]`));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) assertJsonSafe(v, `${path}.${k}`);
  }
}
