import { canonicalJson } from '@conductor/sdk';
import type { Manifest, UnsignedManifest } from '@conductor/schema/contracts/exports';

/*
 * RFC 8785 (JCS) is the SDK's canonicalJson, the `canonicalize` package (by an author of the RFC)
 * behind a guard against NaN, Infinity and bigint; the cache keys already depend on it, so the
 * manifest uses the same one rather than a second implementation.
 */

const encoder = new TextEncoder();

/**
 * The JWS payload of a manifest (docs/adr/0014): the UTF-8 bytes of the RFC 8785 canonical JSON of
 * the manifest without `signature`. Anyone can recompute it from the manifest file alone.
 */
export function manifestSigningInput(manifest: UnsignedManifest | Manifest): Uint8Array {
  const { signature: _signature, ...unsigned } = manifest as Partial<Pick<Manifest, 'signature'>> & UnsignedManifest;
  return encoder.encode(canonicalJson(unsigned));
}
