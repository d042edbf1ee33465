import { beforeAll, describe, expect, it } from 'vitest';
import { generateSecrets, publicJwks, type DevSecrets } from '@conductor/schema/auth/dev-keys';
import type { Manifest, UnsignedManifest } from '@conductor/schema/contracts/exports';
import { assembleManifest, describeChunk } from './assemble.ts';
import { signManifest } from './signature.ts';
import { checkChunk, checkChunkDigest, verifyExport, type ExportCheckFailure } from './verify.ts';
import { describeChunk as digest } from './assemble.ts';

const CHUNK_SIZE = 80;
const encoder = new TextEncoder();

// Five chunks of JSONL, cut at CHUNK_SIZE bytes (a line may span two chunks); the last one is short.
function exportBytes(): Uint8Array[] {
  const lines = Array.from({ length: 6 }, (_, i) => `${JSON.stringify({ docId: `doc-${i}`, start: i * 10, end: i * 10 + 9, text: `Line ${i} of acme.` })}\n`);
  const all = encoder.encode(lines.join(''));
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < all.length; at += CHUNK_SIZE) chunks.push(all.slice(at, at + CHUNK_SIZE));
  return chunks;
}

async function signedExport(chunks: Uint8Array[], privateJwk: DevSecrets['privateJwk'], edit: (m: UnsignedManifest) => UnsignedManifest = (m) => m): Promise<Manifest> {
  const unsigned = await assembleManifest({
    exportId: 'exp_tamper',
    tenant: 'acme',
    createdAt: '2026-12-02T15:00:00Z',
    chunkSize: CHUNK_SIZE,
    chunks: await Promise.all(chunks.map(describeChunk)),
    proofs: { license: 'Restricted-TOS', purpose: ['investigation'], pii: 'none' },
    source: { operation: 'documents', snapshot: 'acme-seed-1' },
  });
  return signManifest(edit(unsigned), { privateJwk });
}

const reader = (chunks: readonly (Uint8Array | null)[]) => async (ix: number) => chunks[ix] ?? null;
const codes = (failures: ExportCheckFailure[]) => failures.map((f) => (f.ix === undefined ? f.code : `${f.code}@${f.ix}`));

let secrets: DevSecrets;
let chunks: Uint8Array[];
let manifest: Manifest;
const jwks = () => ({ keys: publicJwks(secrets) });

beforeAll(async () => {
  secrets = await generateSecrets();
  chunks = exportBytes();
  manifest = await signedExport(chunks, secrets.privateJwk);
});

describe('verifyExport', () => {
  it('passes an untouched export and names the signing key', async () => {
    expect(chunks.length).toBe(5);
    const result = await verifyExport({ manifest: JSON.parse(JSON.stringify(manifest)), jwks: jwks(), readChunk: reader(chunks) });
    expect(result).toMatchObject({ ok: true, failures: [], kid: secrets.privateJwk.kid });
  });

  // The tamper cases of issue 9, each failing with its own reason and nothing else.
  it('a flipped byte in a stored chunk: CHUNK_HASH_MISMATCH for that chunk', async () => {
    const tampered = chunks.map((c) => c.slice());
    tampered[2]![7]! ^= 0x01;
    const result = await verifyExport({ manifest, jwks: jwks(), readChunk: reader(tampered) });
    expect(codes(result.failures)).toEqual(['CHUNK_HASH_MISMATCH@2']);
  });

  it('two chunks stored in each other’s place: CHUNK_MISPLACED for both', async () => {
    const swapped = [chunks[0]!, chunks[3]!, chunks[2]!, chunks[1]!, chunks[4]!];
    const result = await verifyExport({ manifest, jwks: jwks(), readChunk: reader(swapped) });
    expect(codes(result.failures)).toEqual(['CHUNK_MISPLACED@1', 'CHUNK_MISPLACED@3']);
    expect(result.failures[0]!.message).toBe('chunk 1 holds the bytes of chunk 3');
  });

  it('the manifest’s chunk entries reordered after signing: CHUNK_ORDER and SIGNATURE_INVALID', async () => {
    const list = manifest.chunks;
    const reordered = { ...manifest, chunks: [list[0]!, list[2]!, list[1]!, list[3]!, list[4]!] };
    const result = await verifyExport({ manifest: reordered, jwks: jwks(), readChunk: reader(chunks) });
    expect(codes(result.failures)).toEqual(['SIGNATURE_INVALID', 'CHUNK_ORDER']);
  });

  it('a manifest signed by a key outside the JWKS: SIGNATURE_UNKNOWN_KEY', async () => {
    const stranger = await generateSecrets();
    const forged = await signedExport(chunks, stranger.privateJwk);
    const result = await verifyExport({ manifest: forged, jwks: jwks(), readChunk: reader(chunks) });
    expect(codes(result.failures)).toEqual(['SIGNATURE_UNKNOWN_KEY']);
    expect(result.kid).toBeUndefined();
  });

  it('a field changed after signing: SIGNATURE_INVALID', async () => {
    const edited = { ...manifest, proofs: { ...manifest.proofs, purpose: ['investigation', 'training'] } };
    const result = await verifyExport({ manifest: edited, jwks: jwks(), readChunk: reader(chunks) });
    expect(codes(result.failures)).toEqual(['SIGNATURE_INVALID']);
  });

  it('a truncated download (cut inside chunk 3): CHUNK_TRUNCATED, then CHUNK_MISSING for the rest', async () => {
    const whole = new Uint8Array(chunks.flatMap((c) => [...c]));
    const received = whole.slice(0, 3 * CHUNK_SIZE + 10);
    // The chunks as a reader of one concatenated file sees them: by offset, short at the cut.
    const fromFile = async (ix: number) => {
      const start = manifest.chunks.slice(0, ix).reduce((sum, c) => sum + c.size, 0);
      return start >= received.length ? null : received.slice(start, start + manifest.chunks[ix]!.size);
    };
    const result = await verifyExport({ manifest, jwks: jwks(), readChunk: fromFile });
    expect(codes(result.failures)).toEqual(['CHUNK_TRUNCATED@3', 'CHUNK_MISSING@4']);
    expect(result.failures[0]!.message).toBe(`chunk 3 has 10 of its ${CHUNK_SIZE} bytes`);
  });

  it('a chunk with bytes appended: CHUNK_SIZE_MISMATCH', async () => {
    const longer = chunks.map((c, i) => (i === 4 ? new Uint8Array([...c, 0x0a]) : c));
    expect(codes((await verifyExport({ manifest, jwks: jwks(), readChunk: reader(longer) })).failures)).toEqual(['CHUNK_SIZE_MISMATCH@4']);
  });

  it('a manifest that is not v1.0: MANIFEST_INVALID naming the field, and nothing read', async () => {
    const { merkleRoot: _root, ...withoutRoot } = manifest;
    let reads = 0;
    const result = await verifyExport({ manifest: withoutRoot, jwks: jwks(), readChunk: async () => (reads++, null) });
    expect(codes(result.failures)).toEqual(['MANIFEST_INVALID']);
    expect(result.failures[0]!.message).toContain('merkleRoot is required');
    expect(reads).toBe(0);
    expect(codes((await verifyExport({ manifest: { ...manifest, extra: 1 }, jwks: jwks(), readChunk: reader(chunks) })).failures)).toEqual(['MANIFEST_INVALID']);
  });

  // A builder that signs what it got wrong: the signature holds, the cross-checks do not.
  it.each([
    ['a wrong merkleRoot', (m: UnsignedManifest) => ({ ...m, merkleRoot: 'a'.repeat(64) }), ['MERKLE_ROOT_MISMATCH']],
    ['a wrong totalSize', (m: UnsignedManifest) => ({ ...m, totalSize: m.totalSize + 1 }), ['TOTAL_SIZE_MISMATCH']],
    ['a chunk over chunkSize', (m: UnsignedManifest) => ({ ...m, chunkSize: 60 }), ['CHUNK_OVERSIZE@0', 'CHUNK_OVERSIZE@1', 'CHUNK_OVERSIZE@2', 'CHUNK_OVERSIZE@3']],
  ] as const)('a signed manifest with %s fails its own cross-check', async (_case, edit, expected) => {
    const signed = await signedExport(chunks, secrets.privateJwk, edit);
    expect(codes((await verifyExport({ manifest: signed, jwks: jwks(), readChunk: reader(chunks) })).failures)).toEqual(expected);
  });
});

describe('checkChunk', () => {
  it('accepts each chunk in its place and refuses an index outside the manifest', async () => {
    for (const [ix, bytes] of chunks.entries()) expect(await checkChunk(manifest, ix, bytes)).toBeNull();
    await expect(checkChunk(manifest, 5, chunks[0]!)).rejects.toThrow(RangeError);
  });

  // A pull or `export verify` hashes a chunk as it streams and has only its length and digest.
  it('gives the same verdict from a digest as from the bytes (checkChunkDigest, verifyExport digestChunk)', async () => {
    const flipped = chunks[2]!.slice();
    flipped[0]! ^= 0x01;
    const cases: Array<[number, Uint8Array]> = [[0, chunks[0]!], [1, chunks[3]!], [2, flipped], [3, chunks[3]!.slice(0, 9)], [4, new Uint8Array([...chunks[4]!, 0x0a])]];
    for (const [ix, bytes] of cases) expect(checkChunkDigest(manifest, ix, await digest(bytes))).toEqual(await checkChunk(manifest, ix, bytes));
    const stored = [chunks[0]!, chunks[3]!, flipped, chunks[3]!.slice(0, 9), null];
    const byDigest = await verifyExport({ manifest, jwks: jwks(), digestChunk: async (ix) => (stored[ix] ? digest(stored[ix]) : null) });
    expect(codes(byDigest.failures)).toEqual(['CHUNK_MISPLACED@1', 'CHUNK_HASH_MISMATCH@2', 'CHUNK_TRUNCATED@3', 'CHUNK_MISSING@4']);
  });
});
