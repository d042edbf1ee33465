/**
 * RFC 6962 §2.1 Merkle Tree Hash with SHA-256 (pure: no I/O).
 *
 *   leaf  = SHA-256(0x00 ‖ leaf bytes)
 *   node  = SHA-256(0x01 ‖ left ‖ right)
 *   MTH({}) = SHA-256(""); a tree of n > 1 leaves splits at k, the largest power of two < n.
 *
 * The prefixes keep a leaf from passing for a node (second-preimage). The functions take leaves of
 * any length, so the RFC's published vectors run against them unchanged. In an export each leaf is a
 * chunk's SHA-256 digest (32 bytes), not the chunk's bytes: the manifest lists the digests, so anyone
 * holding it can rebuild the tree without the data (docs/adr/0014, chunk-proof.ts).
 *
 * SHA-256 is WebCrypto's `crypto.subtle.digest`, hence async: the module runs in Node and in the
 * Worker deployment alike, and no synchronous SHA-256 package is a dependency of the workspace.
 */

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;
export const HASH_BYTES = 32;

export async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  // The copy pins the buffer to an ArrayBuffer, which WebCrypto's BufferSource type requires.
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array(bytes)));
}

export function leafHash(leaf: Uint8Array): Promise<Uint8Array> {
  const input = new Uint8Array(1 + leaf.length);
  input[0] = LEAF_PREFIX;
  input.set(leaf, 1);
  return sha256(input);
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Promise<Uint8Array> {
  const input = new Uint8Array(1 + left.length + right.length);
  input[0] = NODE_PREFIX;
  input.set(left, 1);
  input.set(right, 1 + left.length);
  return sha256(input);
}

/** MTH(D[n]) over the leaves' data. */
export async function merkleRoot(leaves: readonly Uint8Array[]): Promise<Uint8Array> {
  return rootOfLeafHashes(await Promise.all(leaves.map(leafHash)));
}

/** MTH when the leaf hashes are already known (each computed once, e.g. for many proofs). */
export async function rootOfLeafHashes(hashes: readonly Uint8Array[]): Promise<Uint8Array> {
  if (hashes.length === 0) return sha256(new Uint8Array(0));
  return subtreeRoot(hashes, 0, hashes.length);
}

/** RFC 6962 §2.1.1 PATH(m, D[n]): sibling hashes from the leaf up to the root. */
export async function inclusionPath(leaves: readonly Uint8Array[], index: number): Promise<Uint8Array[]> {
  return inclusionPathOfLeafHashes(await Promise.all(leaves.map(leafHash)), index);
}

export async function inclusionPathOfLeafHashes(hashes: readonly Uint8Array[], index: number): Promise<Uint8Array[]> {
  if (!Number.isSafeInteger(index) || index < 0 || index >= hashes.length) {
    throw new RangeError(`leaf index ${index} is outside a tree of ${hashes.length}`);
  }
  const path: Uint8Array[] = [];
  // PATH recurses into the half holding m and appends the other half's MTH on the way back, so the
  // leaf's own sibling comes first. Walking top-down and prepending gives the same order.
  let lo = 0;
  let hi = hashes.length;
  let m = index;
  while (hi - lo > 1) {
    const k = largestPowerOfTwoBelow(hi - lo);
    if (m < k) {
      path.unshift(await subtreeRoot(hashes, lo + k, hi));
      hi = lo + k;
    } else {
      path.unshift(await subtreeRoot(hashes, lo, lo + k));
      lo += k;
      m -= k;
    }
  }
  return path;
}

export interface InclusionProof {
  index: number;
  treeSize: number;
  /** The leaf's hash (leafHash of its data), not its data. */
  leafHash: Uint8Array;
  path: readonly Uint8Array[];
  root: Uint8Array;
}

/**
 * RFC 9162 §2.1.3.2: recomputes the root from (index, treeSize, leaf hash, path) alone and compares
 * it with `root`. False on any malformed input (index out of range, wrong path length, a hash that
 * is not 32 bytes) rather than throwing: to a verifier those are all "not proven".
 */
export async function verifyInclusion(proof: InclusionProof): Promise<boolean> {
  const { index, treeSize, path, root } = proof;
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(treeSize) || index < 0 || index >= treeSize) return false;
  if (proof.leafHash.length !== HASH_BYTES || root.length !== HASH_BYTES || path.some((p) => p.length !== HASH_BYTES)) return false;
  // Integer halving rather than >>, which would wrap past 2^31 leaves.
  let fn = index;
  let sn = treeSize - 1;
  let r = proof.leafHash;
  for (const p of path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equalBytes(r, root);
}

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

// The two halves are independent, so their digests are requested together.
async function subtreeRoot(hashes: readonly Uint8Array[], lo: number, hi: number): Promise<Uint8Array> {
  if (hi - lo === 1) return hashes[lo]!;
  const k = largestPowerOfTwoBelow(hi - lo);
  const [left, right] = await Promise.all([subtreeRoot(hashes, lo, lo + k), subtreeRoot(hashes, lo + k, hi)]);
  return nodeHash(left, right);
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
