import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from './hex.ts';
import { inclusionPath, leafHash, merkleRoot, nodeHash, verifyInclusion } from './merkle.ts';

// The eight leaves of the RFC 6962 reference tests and the hashes of every complete subtree
// (level 0 = the leaf hashes), as published in transparency-dev/merkle testonly/constants.go
// (LeafInputs, NodeHashes, RootHashes), the Go continuation of certificate-transparency's tests.
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(fromHex);
const NODE_HASHES = [
  [
    '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
    '0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7',
    '07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7',
    'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    '4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658',
    'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
    '46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1',
  ],
  [
    'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
    '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
    '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
    'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
  ],
  ['d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'],
  ['5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328'],
];
// RootHashes()[n] for n = 0..8.
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
// transparency-dev/merkle proof/verify_test.go `inclusionProofs` (there the leaf is 1-based; here ix = leaf - 1).
const INCLUSION: [ix: number, treeSize: number, path: string[]][] = [
  [
    0,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    5,
    8,
    [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [2, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
  [
    1,
    5,
    [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
  [0, 1, []],
];
// rfc6962/rfc6962_test.go in the same repository: SHA-256(0x00 ‖ "L123456") and SHA-256(0x01 ‖ "N123" ‖ "N456").
const LEAF_L123456 = '395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56';
const NODE_N123_N456 = 'aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb';

const text = (s: string) => new TextEncoder().encode(s);
const flipBit = (bytes: Uint8Array, bit: number) => {
  const out = new Uint8Array(bytes);
  out[Math.floor(bit / 8) % out.length]! ^= 1 << bit % 8;
  return out;
};

describe('RFC 6962 hashes', () => {
  it('prefixes a leaf with 0x00 and a node with 0x01', async () => {
    expect(toHex(await leafHash(text('L123456')))).toBe(LEAF_L123456);
    expect(toHex(await nodeHash(text('N123'), text('N456')))).toBe(NODE_N123_N456);
  });

  it('hashes each reference leaf to its published leaf hash', async () => {
    expect(await Promise.all(LEAVES.map(async (leaf) => toHex(await leafHash(leaf))))).toEqual(NODE_HASHES[0]);
  });

  it('gives the empty tree SHA-256 of nothing, which is not the hash of an empty leaf', async () => {
    expect(toHex(await merkleRoot([]))).toBe(ROOTS[0]);
    expect(toHex(await merkleRoot([new Uint8Array(0)]))).not.toBe(ROOTS[0]);
  });

  it.each(ROOTS.map((root, n) => [n, root] as const))('root of the first %i reference leaves', async (n, root) => {
    expect(toHex(await merkleRoot(LEAVES.slice(0, n)))).toBe(root);
  });

  it('is not the leaf hash of two concatenated leaf hashes (second preimage)', async () => {
    const [a, b] = [await leafHash(text('Hello')), await leafHash(text('World'))];
    const joined = new Uint8Array([...a, ...b]);
    expect(toHex(await nodeHash(a, b))).not.toBe(toHex(await leafHash(joined)));
    expect(toHex(await nodeHash(a, b))).not.toBe(toHex(await nodeHash(b, a)));
  });
});

describe('inclusion paths (RFC 6962 §2.1.1) and their verification (RFC 9162 §2.1.3.2)', () => {
  it.each(INCLUSION)('leaf %i of %i has the published path, which verifies', async (ix, n, expected) => {
    const path = await inclusionPath(LEAVES.slice(0, n), ix);
    expect(path.map(toHex)).toEqual(expected);
    expect(await verifyInclusion({ index: ix, treeSize: n, leafHash: await leafHash(LEAVES[ix]!), path, root: fromHex(ROOTS[n]!) })).toBe(true);
  });

  // In a full tree of 8 the path of leaf m is its sibling at each level: NODE_HASHES[level][(m >> level) ^ 1].
  it.each([0, 1, 2, 3, 4, 5, 6, 7])('leaf %i of the full 8-leaf tree has the published siblings as its path', async (m) => {
    const expected = [0, 1, 2].map((level) => NODE_HASHES[level]![(m >> level) ^ 1]);
    expect((await inclusionPath(LEAVES, m)).map(toHex)).toEqual(expected);
  });

  // The mutations of transparency-dev/merkle's corruptInclusionProof: each must fail.
  it.each(INCLUSION.filter(([, n]) => n > 1))('refuses every corruption of the proof of leaf %i of %i', async (ix, n, pathHex) => {
    const path = pathHex.map(fromHex);
    const root = fromHex(ROOTS[n]!);
    const leaf = await leafHash(LEAVES[ix]!);
    const someHash = fromHex('abacaba000000000000000000000000000000000000000000060061e00123456');
    const probes: [string, Parameters<typeof verifyInclusion>[0]][] = [
      ['index - 1', { index: ix - 1, treeSize: n, leafHash: leaf, path, root }],
      ['index + 1', { index: ix + 1, treeSize: n, leafHash: leaf, path, root }],
      ['index ^ 2', { index: ix ^ 2, treeSize: n, leafHash: leaf, path, root }],
      ['treeSize * 2', { index: ix, treeSize: n * 2, leafHash: leaf, path, root }],
      ['treeSize / 2', { index: ix, treeSize: Math.floor(n / 2), leafHash: leaf, path, root }],
      ['wrong leaf', { index: ix, treeSize: n, leafHash: text('WrongLeaf'), path, root }],
      ['empty root', { index: ix, treeSize: n, leafHash: leaf, path, root: fromHex(ROOTS[0]!) }],
      ['random root', { index: ix, treeSize: n, leafHash: leaf, path, root: someHash }],
      ['trailing garbage', { index: ix, treeSize: n, leafHash: leaf, path: [...path, new Uint8Array(0)], root }],
      ['trailing root', { index: ix, treeSize: n, leafHash: leaf, path: [...path, root], root }],
      ['preceding garbage', { index: ix, treeSize: n, leafHash: leaf, path: [new Uint8Array(0), ...path], root }],
      ['preceding root', { index: ix, treeSize: n, leafHash: leaf, path: [root, ...path], root }],
      ['removed component', { index: ix, treeSize: n, leafHash: leaf, path: path.slice(0, -1), root }],
      ['inserted component', { index: ix, treeSize: n, leafHash: leaf, path: [path[0]!, someHash, ...path.slice(1)], root }],
      ...path.map((_, i): [string, Parameters<typeof verifyInclusion>[0]] => [
        `path[${i}] bit 3 flipped`,
        { index: ix, treeSize: n, leafHash: leaf, path: path.map((p, j) => (j === i ? flipBit(p, 3) : p)), root },
      ]),
    ];
    const accepted = [];
    for (const [name, probe] of probes) if (await verifyInclusion(probe)) accepted.push(name);
    expect(accepted).toEqual([]);
  });

  it('refuses an index outside the tree when building a path', async () => {
    await expect(inclusionPath(LEAVES, 8)).rejects.toThrow(RangeError);
    await expect(inclusionPath([], 0)).rejects.toThrow(RangeError);
  });

  it('proves nothing in an empty tree', async () => {
    const leaf = await leafHash(new Uint8Array(0));
    expect(await verifyInclusion({ index: 0, treeSize: 0, leafHash: leaf, path: [], root: fromHex(ROOTS[0]!) })).toBe(false);
  });
});

describe('inclusion proofs of any tree (property)', () => {
  // Distinct leaves: with two equal leaves, their swapped indices are genuinely indistinguishable.
  const distinctLeaves = fc.uniqueArray(fc.uint8Array({ minLength: 0, maxLength: 40 }), { minLength: 1, maxLength: 40, selector: (leaf) => toHex(leaf) });

  it('every leaf proves its inclusion against the root', async () => {
    await fc.assert(
      fc.asyncProperty(distinctLeaves, async (leaves) => {
        const root = await merkleRoot(leaves);
        for (let ix = 0; ix < leaves.length; ix++) {
          const path = await inclusionPath(leaves, ix);
          expect(await verifyInclusion({ index: ix, treeSize: leaves.length, leafHash: await leafHash(leaves[ix]!), path, root })).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('a flipped bit anywhere, or another index, fails', async () => {
    await fc.assert(
      fc.asyncProperty(
        distinctLeaves.chain((leaves) => fc.tuple(fc.constant(leaves), fc.nat(leaves.length - 1), fc.nat(leaves.length - 1), fc.nat(255), fc.nat())),
        async ([leaves, ix, otherIx, bit, pick]) => {
          const n = leaves.length;
          const root = await merkleRoot(leaves);
          const leaf = await leafHash(leaves[ix]!);
          const path = await inclusionPath(leaves, ix);
          expect(await verifyInclusion({ index: ix, treeSize: n, leafHash: flipBit(leaf, bit), path, root })).toBe(false);
          expect(await verifyInclusion({ index: ix, treeSize: n, leafHash: leaf, path, root: flipBit(root, bit) })).toBe(false);
          if (path.length > 0) {
            const at = pick % path.length;
            const tampered = path.map((p, j) => (j === at ? flipBit(p, bit) : p));
            expect(await verifyInclusion({ index: ix, treeSize: n, leafHash: leaf, path: tampered, root })).toBe(false);
          }
          if (otherIx !== ix) expect(await verifyInclusion({ index: otherIx, treeSize: n, leafHash: leaf, path, root })).toBe(false);
        },
      ),
      { numRuns: 100 },
    );
  });
});
