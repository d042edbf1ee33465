import { readFile } from 'node:fs/promises';
import type { JSONWebKeySet } from 'jose';
import { z } from 'zod';
import { PullError } from './errors.ts';

// The shape jose's createLocalJWKSet needs; the keys themselves are checked when one is used.
const JwksSchema = z.object({ keys: z.array(z.record(z.string(), z.unknown())) });

/** The control plane's key set: what signed manifests verify against, retired keys included (docs/adr/0014). */
export function jwksUrl(controlPlaneUrl: string): string {
  return new URL('/.well-known/jwks.json', controlPlaneUrl).href;
}

/**
 * A JWKS from an http(s) URL or a file (`--jwks FILE|URL`). JWKS_UNAVAILABLE when it cannot be
 * read, JWKS_INVALID when it is not `{"keys":[…]}`.
 */
export async function loadJwks(source: string, fetchImpl: typeof fetch = fetch): Promise<JSONWebKeySet> {
  const isUrl = /^https?:\/\//i.test(source);
  let text: string;
  try {
    if (isUrl) {
      const res = await fetchImpl(source, { headers: { accept: 'application/json' } });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      text = await res.text();
    } else {
      text = await readFile(source, 'utf8');
    }
  } catch (err) {
    throw new PullError('JWKS_UNAVAILABLE', `cannot read the JWKS at ${source}: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new PullError('JWKS_INVALID', `${source} is not JSON`);
  }
  const checked = JwksSchema.safeParse(parsed);
  if (!checked.success) throw new PullError('JWKS_INVALID', `${source} is not a JWKS ({"keys":[…]})`);
  return checked.data as JSONWebKeySet;
}
