import { createLocalJWKSet, decodeProtectedHeader, errors, FlattenedSign, flattenedVerify, importJWK, type CryptoKey, type JSONWebKeySet, type JWK } from 'jose';
import { JWT_ALG } from '@conductor/schema/contracts/jwt';
import { UnsignedManifestSchema, type Manifest, type UnsignedManifest } from '@conductor/schema/contracts/exports';
import { manifestSigningInput } from './canonical-json.ts';

/*
 * A manifest's `signature` is a JWS (RFC 7515) with an unencoded, detached payload (RFC 7797):
 * protected header {alg:"EdDSA", kid, b64:false, crit:["b64"]}, payload = manifestSigningInput
 * (RFC 8785 JSON of the manifest without `signature`), written as `protected..signature`.
 * The payload is the manifest itself, so it is not repeated in the signature, and a verifier
 * re-derives it from the file it holds (docs/adr/0014). The key is the control plane's signing key,
 * found by `kid` in its JWKS (/.well-known/jwks.json), which also keeps retired keys.
 */

export const MANIFEST_JWS_ALG = JWT_ALG;

/** The private JWK (its `kid` names it in the JWKS), or a CryptoKey with its kid. */
export type ManifestSigningKey = { privateJwk: JWK } | { privateKey: CryptoKey; kid: string };

/** Validates the unsigned manifest and returns it with its detached signature. */
export async function signManifest(unsigned: UnsignedManifest, key: ManifestSigningKey): Promise<Manifest> {
  const manifest = UnsignedManifestSchema.parse(unsigned);
  const [privateKey, kid] = 'privateJwk' in key ? [await importJWK(key.privateJwk, MANIFEST_JWS_ALG), key.privateJwk.kid] : [key.privateKey, key.kid];
  if (!kid) throw new TypeError('the manifest signing key needs a kid, so verifiers can find it in the JWKS');
  const jws = await new FlattenedSign(manifestSigningInput(manifest))
    .setProtectedHeader({ alg: MANIFEST_JWS_ALG, kid, b64: false, crit: ['b64'] })
    .sign(privateKey);
  return { ...manifest, signature: `${jws.protected}..${jws.signature}` };
}

export type ManifestSignatureCheck =
  | { ok: true; kid: string }
  | { ok: false; code: 'SIGNATURE_MALFORMED' | 'SIGNATURE_UNKNOWN_KEY' | 'SIGNATURE_INVALID'; message: string };

/**
 * Checks `manifest.signature` against the manifest's other fields with a key of `jwks`, chosen by
 * the header's kid. SIGNATURE_UNKNOWN_KEY: no key of that kid (a manifest from another signer, or a
 * key dropped from the JWKS); SIGNATURE_INVALID: the key is known and the signature does not match
 * (a field changed after signing); SIGNATURE_MALFORMED: not a detached, unencoded EdDSA JWS.
 */
export async function verifyManifestSignature(manifest: Manifest, jwks: JSONWebKeySet): Promise<ManifestSignatureCheck> {
  const parts = manifest.signature.split('.');
  if (parts.length !== 3 || parts[1] !== '') return malformed('not a detached JWS ("<protected>..<signature>")');
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(manifest.signature);
  } catch {
    return malformed('the protected header is not base64url JSON');
  }
  // Pinned rather than taken from the header: a verifier must not let the signature pick its own rules.
  if (header.alg !== MANIFEST_JWS_ALG) return malformed(`alg must be ${MANIFEST_JWS_ALG}, not ${String(header.alg)}`);
  if (header.b64 !== false || !Array.isArray(header.crit) || header.crit.length !== 1 || header.crit[0] !== 'b64') {
    return malformed('the header must say b64:false with crit:["b64"] (RFC 7797 unencoded payload)');
  }
  if (typeof header.kid !== 'string' || header.kid === '') return malformed('the header names no kid');
  const kid = header.kid;
  try {
    await flattenedVerify({ protected: parts[0]!, payload: manifestSigningInput(manifest), signature: parts[2]! }, createLocalJWKSet(jwks), {
      algorithms: [MANIFEST_JWS_ALG],
    });
    return { ok: true, kid };
  } catch (err) {
    if (err instanceof errors.JWKSNoMatchingKey) return { ok: false, code: 'SIGNATURE_UNKNOWN_KEY', message: `no key with kid "${kid}" in the JWKS` };
    if (err instanceof errors.JWSSignatureVerificationFailed) {
      return { ok: false, code: 'SIGNATURE_INVALID', message: `the signature by "${kid}" does not match the manifest` };
    }
    if (err instanceof errors.JOSEError) return malformed(err.message);
    throw err;
  }
}

function malformed(message: string): ManifestSignatureCheck {
  return { ok: false, code: 'SIGNATURE_MALFORMED', message };
}
