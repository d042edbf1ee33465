import type { JSONWebKeySet } from 'jose';
import { ManifestSchema, type Manifest } from '@conductor/schema/contracts/exports';
import { chunkTreeRoot } from './chunk-proof.ts';
import { toHex } from './hex.ts';
import { sha256 } from './merkle.ts';
import { verifyManifestSignature, type ManifestSignatureCheck } from './signature.ts';

/*
 * The offline verifier of an export (`conductor export verify DIR`, `export pull`, and the server
 * before it serves a chunk). No I/O here: the caller reads chunks. Each failure names one cause, so
 * a tampered export says what was done to it (docs/adr/0014).
 */

export type ExportCheckCode =
  /** Not a manifest v1.0 (schema); nothing else is checked. */
  | 'MANIFEST_INVALID'
  | Extract<ManifestSignatureCheck, { ok: false }>['code']
  /** The chunk list is not ix 0, 1, …, n-1 in that order. */
  | 'CHUNK_ORDER'
  /** A chunk entry larger than the manifest's chunkSize. */
  | 'CHUNK_OVERSIZE'
  /** totalSize is not the sum of the chunk sizes. */
  | 'TOTAL_SIZE_MISMATCH'
  /** merkleRoot is not the RFC 6962 root of the listed chunk digests. */
  | 'MERKLE_ROOT_MISMATCH'
  /** No bytes for a listed chunk. */
  | 'CHUNK_MISSING'
  /** Fewer bytes than listed: an interrupted write or download. */
  | 'CHUNK_TRUNCATED'
  /** More bytes than listed. */
  | 'CHUNK_SIZE_MISMATCH'
  /** The bytes are another listed chunk's: chunks stored or delivered out of order. */
  | 'CHUNK_MISPLACED'
  /** The listed size, but not the listed digest: the bytes were altered. */
  | 'CHUNK_HASH_MISMATCH';

export interface ExportCheckFailure {
  code: ExportCheckCode;
  message: string;
  /** The chunk concerned, for chunk failures. */
  ix?: number;
}

export interface ExportVerification {
  ok: boolean;
  failures: ExportCheckFailure[];
  /** The parsed manifest, unless it failed the schema. */
  manifest?: Manifest;
  /** The key that signed it, when the signature verified. */
  kid?: string;
}

/** What a chunk is, as far as the manifest can tell: its length and SHA-256 (lowercase hex). */
export interface ChunkDigest {
  size: number;
  sha256: string;
}

interface VerifyExportBase {
  /** The manifest as parsed from JSON, not yet trusted. */
  manifest: unknown;
  /** The control plane's JWKS (/.well-known/jwks.json), or one given offline. */
  jwks: JSONWebKeySet;
}

/**
 * Chunks come as bytes (`readChunk`) or as digests the caller computed while streaming them
 * (`digestChunk`: a file hashed incrementally never sits in memory whole). Either is called once per
 * chunk, in ix order, one at a time, and answers null when the chunk is absent. I/O errors should
 * be thrown, not mapped to null: they are not evidence about the export.
 */
export type VerifyExportInput = VerifyExportBase &
  ({ readChunk(ix: number): Promise<Uint8Array | null>; digestChunk?: never } | { digestChunk(ix: number): Promise<ChunkDigest | null>; readChunk?: never });

/** Schema, signature, the manifest's own consistency, then every chunk's size and digest. */
export async function verifyExport(input: VerifyExportInput): Promise<ExportVerification> {
  const parsed = ManifestSchema.safeParse(input.manifest);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((issue) => `${issue.path.map(String).join('.') || '(manifest)'}: ${issue.message}`).join('; ');
    return { ok: false, failures: [{ code: 'MANIFEST_INVALID', message: detail }] };
  }
  const manifest = parsed.data;
  const failures: ExportCheckFailure[] = [];
  const signature = await verifyManifestSignature(manifest, input.jwks);
  if (!signature.ok) failures.push({ code: signature.code, message: signature.message });
  failures.push(...(await checkManifestConsistency(manifest)));
  for (const { ix } of manifest.chunks) {
    const digest = input.digestChunk ? await input.digestChunk(ix) : await digestOf(await input.readChunk(ix));
    const failure = digest === null ? { code: 'CHUNK_MISSING' as const, message: `chunk ${ix} is missing`, ix } : checkChunkDigest(manifest, ix, digest);
    if (failure) failures.push(failure);
  }
  return { ok: failures.length === 0, failures, manifest, ...(signature.ok ? { kid: signature.kid } : {}) };
}

/**
 * The cross-field checks the schema leaves out: ix order, sizes against chunkSize and totalSize,
 * and the Merkle root recomputed from the listed digests. A manifest the build assembled
 * (assemble.ts) passes them by construction; one edited, or signed by a faulty builder, does not.
 */
export async function checkManifestConsistency(manifest: Manifest): Promise<ExportCheckFailure[]> {
  const failures: ExportCheckFailure[] = [];
  const outOfPlace = manifest.chunks.findIndex((chunk, position) => chunk.ix !== position);
  if (outOfPlace !== -1) {
    failures.push({ code: 'CHUNK_ORDER', message: `chunk entry ${outOfPlace} has ix ${manifest.chunks[outOfPlace]!.ix}; entries must be ix 0..n-1 in order` });
  }
  for (const chunk of manifest.chunks) {
    if (chunk.size > manifest.chunkSize) {
      failures.push({ code: 'CHUNK_OVERSIZE', message: `chunk ${chunk.ix} lists ${chunk.size} bytes, over chunkSize ${manifest.chunkSize}`, ix: chunk.ix });
    }
  }
  const sum = manifest.chunks.reduce((total, chunk) => total + chunk.size, 0);
  if (sum !== manifest.totalSize) failures.push({ code: 'TOTAL_SIZE_MISMATCH', message: `totalSize is ${manifest.totalSize}; the chunks add up to ${sum}` });
  // In ix order, so a list merely written out of order is CHUNK_ORDER alone, not also a root mismatch.
  const root = await chunkTreeRoot(manifest.chunks.toSorted((a, b) => a.ix - b.ix));
  if (root !== manifest.merkleRoot) failures.push({ code: 'MERKLE_ROOT_MISMATCH', message: `merkleRoot is ${manifest.merkleRoot}; the listed chunks give ${root}` });
  return failures;
}

/**
 * Whether `bytes` are chunk `ix` of the manifest; null when they are. Used per chunk by the server
 * before it serves one.
 */
export async function checkChunk(manifest: Manifest, ix: number, bytes: Uint8Array): Promise<ExportCheckFailure | null> {
  return checkChunkDigest(manifest, ix, (await digestOf(bytes))!);
}

/**
 * checkChunk for a chunk hashed as it streamed (a pull, `export verify`): the same verdicts from
 * its length and digest alone.
 */
export function checkChunkDigest(manifest: Manifest, ix: number, digest: ChunkDigest): ExportCheckFailure | null {
  const expected = manifest.chunks.find((chunk) => chunk.ix === ix);
  if (!expected) throw new RangeError(`chunk ${ix} is not in the manifest`);
  const { size, sha256: hex } = digest;
  if (size === expected.size && hex === expected.sha256) return null;
  const other = manifest.chunks.find((chunk) => chunk.ix !== ix && chunk.sha256 === hex && chunk.size === size);
  if (other) return { code: 'CHUNK_MISPLACED', message: `chunk ${ix} holds the bytes of chunk ${other.ix}`, ix };
  if (size < expected.size) return { code: 'CHUNK_TRUNCATED', message: `chunk ${ix} has ${size} of its ${expected.size} bytes`, ix };
  if (size !== expected.size) return { code: 'CHUNK_SIZE_MISMATCH', message: `chunk ${ix} has ${size} bytes; the manifest lists ${expected.size}`, ix };
  return { code: 'CHUNK_HASH_MISMATCH', message: `chunk ${ix} does not hash to ${expected.sha256}`, ix };
}

async function digestOf(bytes: Uint8Array | null): Promise<ChunkDigest | null> {
  return bytes === null ? null : { size: bytes.byteLength, sha256: toHex(await sha256(bytes)) };
}
