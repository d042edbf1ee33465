import { canonicalJson } from '@conductor/sdk';
import type { GenerationsRead } from '../generations/types.ts';
import { memoSha256Hex } from './sha256-memo.ts';

/**
 * Cache keys (docs/adr/0004): `v1/{tenant}/{region}/{opId}/{varsHash}[/u:{sha256(sub)}]`.
 * Pure: everything that varies per request is an argument, so the vectors in keyer.test.ts pin it.
 */
export interface KeyParts {
  tenant: string;
  region: string;
  opId: string;
  varsHash: string;
  /** sha256 hex of the token subject, for operations cached per user. */
  userHash?: string;
}

export function cacheKey(p: KeyParts): string {
  const base = `v1/${p.tenant}/${p.region}/${p.opId}/${p.varsHash}`;
  return p.userHash ? `${base}/u:${p.userHash}` : base;
}

/** Host that cannot exist (RFC 2606), so a cache URL can never be confused with a real resource. */
export const CACHE_URL_BASE = 'https://edge-cache.conductor.invalid/';

/** The generation digest rides in the query string: a purge changes the URL, not the entry. */
export function cacheUrl(key: string, generationDigest: string): string {
  return `${CACHE_URL_BASE}${key}?g=${generationDigest}`;
}

/** LOCAL_REGION wins over cf.colo so local runs (placeholder cf object) are deterministic. */
export function resolveRegion(localRegion: string | undefined, colo: unknown): string {
  if (localRegion) return localRegion;
  if (typeof colo === 'string' && /^[A-Za-z0-9-]{1,16}$/.test(colo)) return colo;
  return 'unknown';
}

export const MAX_VARIABLES_BYTES = 16 * 1024;

export interface CanonicalVariables {
  /** RFC 8785 canonical JSON; `null` for missing variables. */
  canonical: string;
  varsHash: string;
}

/**
 * Canonicalises once and hashes that string: equal to `variablesHash(variables)` from the SDK
 * (asserted in the vectors) without serialising twice. Returns null when the canonical form is
 * larger than `MAX_VARIABLES_BYTES`.
 */
export async function canonicalVariables(variables: unknown): Promise<CanonicalVariables | null> {
  const canonical = canonicalJson(variables ?? null);
  // UTF-8 is at most 3 bytes per UTF-16 unit, so short strings skip the encode.
  if (canonical.length * 3 > MAX_VARIABLES_BYTES && new TextEncoder().encode(canonical).byteLength > MAX_VARIABLES_BYTES) {
    return null;
  }
  return { canonical, varsHash: await memoSha256Hex(canonical) };
}

/**
 * The store's epoch and the sorted `tag=gen` pairs, hashed: any bumped tag, or a generation store
 * that lost its storage and restarted its counters, yields a different cache URL.
 */
export async function generationDigest(read: GenerationsRead, tags: readonly string[]): Promise<string> {
  const pairs = tags.map((t) => `${t}=${read.generations[t] ?? 0}`).sort();
  return memoSha256Hex(`${read.epoch}\n${pairs.join('\n')}`);
}
