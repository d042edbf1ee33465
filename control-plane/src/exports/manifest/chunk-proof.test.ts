import { describe, expect, it } from 'vitest';
import { ChunkInclusionProofSchema } from '@conductor/schema/contracts/exports';
import { describeChunk } from './assemble.ts';
import { chunkInclusionProof, chunkLeafHashes, chunkTreeRoot, verifyChunkInclusion } from './chunk-proof.ts';

const encoder = new TextEncoder();

describe('chunk inclusion proofs', () => {
  it.each([1, 2, 5, 8, 13])('proves each of %i chunks against the signed root alone, and no chunk in another place', async (n) => {
    const chunks = await Promise.all(Array.from({ length: n }, (_, i) => describeChunk(encoder.encode(`{"line":${i}}\n`))));
    const head = { merkleRoot: await chunkTreeRoot(chunks), treeSize: n };
    const leafHashes = await chunkLeafHashes(chunks);
    for (const [ix, chunk] of chunks.entries()) {
      const proof = await chunkInclusionProof(chunks, ix, leafHashes);
      expect(ChunkInclusionProofSchema.parse(proof)).toEqual(proof);
      expect(proof).toMatchObject({ ix, treeSize: n, root: head.merkleRoot });
      expect(await verifyChunkInclusion(proof, chunk.sha256, head)).toBe(true);
      if (n > 1) {
        expect(await verifyChunkInclusion(proof, chunks[(ix + 1) % n]!.sha256, head)).toBe(false);
        expect(await verifyChunkInclusion({ ...proof, ix: (ix + 1) % n }, chunk.sha256, head)).toBe(false);
      }
      // A size whose tree has another shape fails. (One with the same path shape, e.g. 6 for the
      // first leaves of 5, proves the same position under the same root: the size is bound to the
      // root by the signature, not by the proof.)
      expect(await verifyChunkInclusion(proof, chunk.sha256, { ...head, treeSize: n * 2 })).toBe(false);
    }
  });

  it('trusts the signed root, not the root the proof carries', async () => {
    const chunks = await Promise.all(['a', 'b', 'c'].map((s) => describeChunk(encoder.encode(s))));
    const proof = await chunkInclusionProof(chunks, 1);
    const other = await Promise.all(['a', 'x', 'c'].map((s) => describeChunk(encoder.encode(s))));
    expect(await verifyChunkInclusion(proof, chunks[1]!.sha256, { merkleRoot: await chunkTreeRoot(other), treeSize: 3 })).toBe(false);
  });

  it('refuses malformed hex instead of throwing', async () => {
    const chunks = await Promise.all(['a', 'b'].map((s) => describeChunk(encoder.encode(s))));
    const head = { merkleRoot: await chunkTreeRoot(chunks), treeSize: 2 };
    const proof = await chunkInclusionProof(chunks, 0);
    expect(await verifyChunkInclusion({ ...proof, path: ['zz'] }, chunks[0]!.sha256, head)).toBe(false);
    expect(await verifyChunkInclusion(proof, 'not hex', head)).toBe(false);
  });
});
