/**
 * Whether an origin answer may be stored (docs/adr/0004, "never cached"): only 200, only a JSON object
 * without an `errors` member, never when the origin says no-store or private, never with TTL 0.
 * `body` is the parsed JSON, or undefined when it did not parse.
 */
export function isStorable(status: number, cacheControl: string | null, body: unknown, ttlSeconds: number): boolean {
  if (ttlSeconds <= 0 || status !== 200) return false;
  if (cacheControl && /(^|[\s,])(no-store|private)(\s*(=|,|$))/i.test(cacheControl)) return false;
  return typeof body === 'object' && body !== null && !Array.isArray(body) && !Object.hasOwn(body, 'errors');
}

/** JSON.parse that answers undefined instead of throwing: an unparsable body is simply not storable. */
export function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
