import { describe, expect, it } from 'vitest';
import { assembleManifest, describeChunk, piiProof } from './assemble.ts';
import { toHex } from './hex.ts';
import { merkleRoot } from './merkle.ts';

const encoder = new TextEncoder();
const INPUT = {
  exportId: 'exp_assemble',
  tenant: 'globex',
  createdAt: '2026-12-02T15:00:00Z',
  chunkSize: 16,
  proofs: { license: 'Restricted-TOS', purpose: ['investigation'], pii: 'none' as const },
  source: { operation: 'documents', snapshot: 'globex-seed-1' },
};

describe('assembleManifest', () => {
  it('sets the fixed fields and derives ix, totalSize and the root from the chunks', async () => {
    const bytes = ['{"a":1}\n{"b":', '2}\n'].map((s) => encoder.encode(s));
    const chunks = await Promise.all(bytes.map(describeChunk));
    const manifest = await assembleManifest({ ...INPUT, chunks });
    expect(manifest).toMatchObject({
      manifestVersion: '1.0',
      kind: 'extractive-summary',
      contentType: 'application/jsonl',
      hashAlg: 'sha-256',
      totalSize: 16,
      chunks: [
        { ix: 0, size: 13, sha256: chunks[0]!.sha256 },
        { ix: 1, size: 3, sha256: chunks[1]!.sha256 },
      ],
    });
    // The tree's leaves are the digests (32 bytes each), not the chunk bytes.
    const digests = chunks.map((c) => Uint8Array.from(c.sha256.match(/../g)!, (h) => Number.parseInt(h, 16)));
    expect(manifest.merkleRoot).toBe(toHex(await merkleRoot(digests)));
    expect(manifest.merkleRoot).not.toBe(toHex(await merkleRoot(bytes)));
  });

  it('gives an empty export the empty tree root', async () => {
    const manifest = await assembleManifest({ ...INPUT, chunks: [] });
    expect(manifest).toMatchObject({ totalSize: 0, chunks: [], merkleRoot: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' });
  });

  it('throws rather than assemble an invalid manifest', async () => {
    await expect(assembleManifest({ ...INPUT, tenant: 'Not A Tenant', chunks: [] })).rejects.toThrow(/tenant/);
  });
});

describe('describeChunk', () => {
  it('is the SHA-256 and byte length of the chunk', async () => {
    expect(await describeChunk(encoder.encode('abc'))).toEqual({ sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', size: 3 });
  });
});

describe('piiProof', () => {
  it('is "none" only when the final scan counted nothing', () => {
    expect(piiProof({})).toBe('none');
    expect(piiProof({ email: 0, phone: 0 })).toBe('none');
    expect(piiProof({ email: 0, iban: 2 })).toEqual({ findings: { iban: 2 } });
  });
});
