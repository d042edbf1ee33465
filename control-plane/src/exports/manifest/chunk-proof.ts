import type { ChunkInclusionProof, ManifestChunk } from '@conductor/schema/contracts/exports';
import { fromHex, toHex } from './hex.ts';
import { inclusionPathOfLeafHashes, leafHash, rootOfLeafHashes, verifyInclusion } from './merkle.ts';

/*
 * The export's tree (docs/adr/0014): one RFC 6962 leaf per chunk, in ix order, whose data is the
 * chunk's SHA-256 digest (32 bytes). Working from the digests, not the bytes, lets the manifest
 * alone rebuild the root, and lets a client check one downloaded chunk with its proof and the root.
 */

type ChunkDigests = readonly Pick<ManifestChunk, 'sha256'>[];

/** Leaf hashes of the chunks in list order; compute once when serving many proofs. */
export function chunkLeafHashes(chunks: ChunkDigests): Promise<Uint8Array[]> {
  return Promise.all(chunks.map((chunk) => leafHash(fromHex(chunk.sha256))));
}

/** The manifest's `merkleRoot` for these chunks (SHA-256("") when there are none). */
export async function chunkTreeRoot(chunks: ChunkDigests): Promise<string> {
  return toHex(await rootOfLeafHashes(await chunkLeafHashes(chunks)));
}

/** GET /v1/exports/{id}/chunks/{ix}/proof. Pass `leafHashes` from chunkLeafHashes to skip rehashing. */
export async function chunkInclusionProof(chunks: ChunkDigests, ix: number, leafHashes?: readonly Uint8Array[]): Promise<ChunkInclusionProof> {
  const hashes = leafHashes ?? (await chunkLeafHashes(chunks));
  const path = await inclusionPathOfLeafHashes(hashes, ix);
  return { ix, leafHash: toHex(hashes[ix]!), treeSize: hashes.length, path: path.map(toHex), root: toHex(await rootOfLeafHashes(hashes)) };
}

/** What the signed manifest says of the tree: its root and its size (`chunks.length`). */
export interface SignedTreeHead {
  merkleRoot: string;
  treeSize: number;
}

/**
 * Whether a chunk whose bytes hash to `chunkSha256` is chunk `proof.ix` of the tree the signed
 * manifest describes. Only the proof's `ix` and `path` are used: the leaf is recomputed from the
 * digest, and the root and tree size come from the manifest (RFC 9162 §2.1.3.2 takes both from the
 * signed tree head), so a proof cannot vouch for itself.
 */
export async function verifyChunkInclusion(proof: Pick<ChunkInclusionProof, 'ix' | 'path'>, chunkSha256: string, head: SignedTreeHead): Promise<boolean> {
  const hex32 = /^[0-9a-f]{64}$/;
  if (!hex32.test(chunkSha256) || !hex32.test(head.merkleRoot) || proof.path.some((p) => !hex32.test(p))) return false;
  return verifyInclusion({
    index: proof.ix,
    treeSize: head.treeSize,
    leafHash: await leafHash(fromHex(chunkSha256)),
    path: proof.path.map(fromHex),
    root: fromHex(head.merkleRoot),
  });
}
