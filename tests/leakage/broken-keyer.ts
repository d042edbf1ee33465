/**
 * TEST-ONLY. A deliberately broken keyer, swapped in for workers/edge/src/cache/keyer.ts by a
 * wrangler `alias` in the leakage pack's own edge build (see broken-keyer-detection.test.ts); the
 * production worker never imports it. Everything is the real keyer except what separates tenants:
 *
 * - `cacheKey` leaves the tenant out (`v1/{region}/{opId}/{varsHash}`);
 * - `generationDigest` leaves out the generation store's epoch, which is a random id per tenant
 *   Durable Object and so, on its own, already keeps two tenants' URLs apart (defence in depth:
 *   dropping only the tenant would not leak, and the detector would rightly find nothing).
 *
 * Two tenants asking the same operation with the same variables then share one cache URL.
 */
import * as real from '@conductor/edge/keyer';

export * from '@conductor/edge/keyer';

export function cacheKey(p: real.KeyParts): string {
  const base = `v1/${p.region}/${p.opId}/${p.varsHash}`;
  return p.userHash ? `${base}/u:${p.userHash}` : base;
}

type DigestArgs = Parameters<typeof real.generationDigest>;

export function generationDigest(read: DigestArgs[0], tags: DigestArgs[1]): Promise<string> {
  return real.generationDigest({ ...read, epoch: 'shared-by-every-tenant' }, tags);
}
