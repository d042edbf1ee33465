import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { base64url, importJWK, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDevSecrets, generateSecrets, publicJwks, rotateSigningKey, type DevSecrets } from '@conductor/schema/auth/dev-keys';
import type { Manifest, UnsignedManifest } from '@conductor/schema/contracts/exports';
import { assembleManifest, describeChunk } from './assemble.ts';
import { manifestSigningInput } from './canonical-json.ts';
import { signManifest, verifyManifestSignature } from './signature.ts';

const encoder = new TextEncoder();

async function unsignedExample(): Promise<UnsignedManifest> {
  const chunks = await Promise.all(['{"docId":"d1","text":"Acme’s first line."}\n', '{"docId":"d2","text":"Second."}\n'].map((s) => describeChunk(encoder.encode(s))));
  return assembleManifest({
    exportId: 'exp_01',
    tenant: 'acme',
    createdAt: '2026-12-02T15:00:00.000Z',
    chunkSize: 64,
    chunks,
    proofs: { license: 'Restricted-TOS', purpose: ['investigation'], pii: 'none' },
    source: { operation: 'documents', snapshot: 'acme-seed-1' },
  });
}

const jwksOf = (secrets: DevSecrets) => ({ keys: publicJwks(secrets) });

let secrets: DevSecrets;
let unsigned: UnsignedManifest;
let signed: Manifest;

beforeAll(async () => {
  secrets = await generateSecrets();
  unsigned = await unsignedExample();
  signed = await signManifest(unsigned, { privateJwk: secrets.privateJwk });
});

describe('signManifest (RFC 7797 detached, unencoded payload)', () => {
  it('writes `protected..signature` with header {alg:EdDSA, kid, b64:false, crit:[b64]}', () => {
    const [protectedHeader, payload, signature] = signed.signature.split('.');
    expect(payload).toBe('');
    expect(JSON.parse(new TextDecoder().decode(base64url.decode(protectedHeader!)))).toEqual({
      alg: 'EdDSA',
      kid: secrets.privateJwk.kid,
      b64: false,
      crit: ['b64'],
    });
    expect(base64url.decode(signature!)).toHaveLength(64);
    expect({ ...signed, signature: undefined }).toEqual({ ...unsigned, signature: undefined });
  });

  // Without jose: the RFC 7797 signing input is ASCII(protected) ‖ "." ‖ the payload bytes as they are.
  it('signs ASCII(protected) . canonical JSON bytes, checked with WebCrypto directly', async () => {
    const [protectedHeader, , signature] = signed.signature.split('.');
    const input = new Uint8Array([...encoder.encode(`${protectedHeader}.`), ...manifestSigningInput(unsigned)]);
    const key = (await importJWK(secrets.publicJwk, 'EdDSA')) as CryptoKey;
    expect(await crypto.subtle.verify('Ed25519', key, new Uint8Array(base64url.decode(signature!)), input)).toBe(true);
  });

  it('refuses to sign an invalid manifest or with a key that has no kid', async () => {
    await expect(signManifest({ ...unsigned, merkleRoot: 'xyz' }, { privateJwk: secrets.privateJwk })).rejects.toThrow(/merkleRoot/);
    const { kid: _kid, ...noKid } = secrets.privateJwk;
    await expect(signManifest(unsigned, { privateJwk: noKid as JWK })).rejects.toThrow(/kid/);
  });

  it('signs with a CryptoKey and an explicit kid as well', async () => {
    const privateKey = (await importJWK(secrets.privateJwk, 'EdDSA')) as CryptoKey;
    const again = await signManifest(unsigned, { privateKey, kid: secrets.privateJwk.kid! });
    expect(await verifyManifestSignature(again, jwksOf(secrets))).toEqual({ ok: true, kid: secrets.privateJwk.kid });
  });
});

describe('verifyManifestSignature', () => {
  it('accepts the manifest it signed, naming the key', async () => {
    expect(await verifyManifestSignature(signed, jwksOf(secrets))).toEqual({ ok: true, kid: secrets.privateJwk.kid });
  });

  it('still accepts it after a JSON round trip with the fields in another order', async () => {
    const reordered = Object.fromEntries(Object.entries(JSON.parse(JSON.stringify(signed)) as object).reverse()) as Manifest;
    expect((await verifyManifestSignature(reordered, jwksOf(secrets))).ok).toBe(true);
  });

  it.each([
    ['purpose', (m: Manifest): Manifest => ({ ...m, proofs: { ...m.proofs, purpose: ['marketing'] } })],
    ['pii', (m: Manifest): Manifest => ({ ...m, proofs: { ...m.proofs, pii: { findings: { email: 1 } } } })],
    ['license', (m: Manifest): Manifest => ({ ...m, proofs: { ...m.proofs, license: 'CC0-1.0' } })],
    ['a chunk digest', (m: Manifest): Manifest => ({ ...m, chunks: m.chunks.map((c, i) => (i === 1 ? { ...c, sha256: '0'.repeat(64) } : c)) })],
    ['tenant', (m: Manifest): Manifest => ({ ...m, tenant: 'globex' })],
  ])('refuses it with %s changed after signing: SIGNATURE_INVALID', async (_field, edit) => {
    expect(await verifyManifestSignature(edit(signed), jwksOf(secrets))).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
  });

  it('refuses a manifest signed by a key the JWKS does not hold: SIGNATURE_UNKNOWN_KEY', async () => {
    const stranger = await generateSecrets();
    const forged = await signManifest(unsigned, { privateJwk: stranger.privateJwk });
    expect(await verifyManifestSignature(forged, jwksOf(secrets))).toMatchObject({ ok: false, code: 'SIGNATURE_UNKNOWN_KEY' });
  });

  it('refuses another key signing under our kid: SIGNATURE_INVALID', async () => {
    const stranger = await generateSecrets();
    const forged = await signManifest(unsigned, { privateJwk: { ...stranger.privateJwk, kid: secrets.privateJwk.kid } });
    expect(await verifyManifestSignature(forged, jwksOf(secrets))).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
  });

  const header = (h: object) => base64url.encode(JSON.stringify(h));
  const sig = () => signed.signature.split('.')[2]!;
  it.each([
    ['an attached payload', () => `${signed.signature.split('.')[0]}.e30.${sig()}`],
    ['a header that is not JSON', () => `bm90IGpzb24..${sig()}`],
    ['alg none', () => `${header({ alg: 'none', kid: 'k', b64: false, crit: ['b64'] })}..${sig()}`],
    ['alg HS256', () => `${header({ alg: 'HS256', kid: secrets.privateJwk.kid, b64: false, crit: ['b64'] })}..${sig()}`],
    ['an encoded payload (no b64:false)', () => `${header({ alg: 'EdDSA', kid: secrets.privateJwk.kid })}..${sig()}`],
    ['b64:false without crit', () => `${header({ alg: 'EdDSA', kid: secrets.privateJwk.kid, b64: false })}..${sig()}`],
    ['no kid', () => `${header({ alg: 'EdDSA', b64: false, crit: ['b64'] })}..${sig()}`],
    ['an unknown critical header', () => `${header({ alg: 'EdDSA', kid: secrets.privateJwk.kid, b64: false, crit: ['b64', 'exp'], exp: 1 })}..${sig()}`],
  ])('refuses %s: SIGNATURE_MALFORMED', async (_case, signature) => {
    expect(await verifyManifestSignature({ ...signed, signature: signature() }, jwksOf(secrets))).toMatchObject({ ok: false, code: 'SIGNATURE_MALFORMED' });
  });
});

describe('key rotation (schema/auth/dev-keys.ts)', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'conductor-keys-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('signs new manifests with the new key and still verifies those of the old one', async () => {
    const before = await ensureDevSecrets(dataDir);
    const old = await signManifest(unsigned, { privateJwk: before.privateJwk });

    const after = await rotateSigningKey(dataDir);
    expect(after.privateJwk.kid).not.toBe(before.privateJwk.kid);
    expect(after.purgeSecret).toBe(before.purgeSecret);
    expect(await ensureDevSecrets(dataDir)).toEqual(after);
    expect(publicJwks(after).map((k) => k.kid)).toEqual([after.publicJwk.kid, before.publicJwk.kid]);

    const fresh = await signManifest(unsigned, { privateJwk: after.privateJwk });
    expect(await verifyManifestSignature(fresh, jwksOf(after))).toEqual({ ok: true, kid: after.privateJwk.kid });
    expect(await verifyManifestSignature(old, jwksOf(after))).toEqual({ ok: true, kid: before.privateJwk.kid });
    // Which is why the retired key stays: without it the old manifest no longer verifies.
    expect(await verifyManifestSignature(old, { keys: [after.publicJwk] })).toMatchObject({ ok: false, code: 'SIGNATURE_UNKNOWN_KEY' });
  });

  it('keeps every earlier key across several rotations, newest first, and no private half', async () => {
    const first = await ensureDevSecrets(dataDir);
    const second = await rotateSigningKey(dataDir);
    const third = await rotateSigningKey(dataDir);
    expect(third.retiredPublicJwks?.slice(0, 2).map((k) => k.kid)).toEqual([second.publicJwk.kid, first.publicJwk.kid]);
    expect(publicJwks(third).every((k) => k.d === undefined)).toBe(true);
  });
});
