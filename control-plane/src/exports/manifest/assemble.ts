import {
  EXPORT_CONTENT_TYPE,
  EXPORT_HASH_ALG,
  MANIFEST_VERSION,
  UnsignedManifestSchema,
  type ManifestChunk,
  type UnsignedManifest,
} from '@conductor/schema/contracts/exports';
import { chunkTreeRoot } from './chunk-proof.ts';
import { toHex } from './hex.ts';
import { sha256 } from './merkle.ts';

/** What the build decides; everything else in the manifest follows from it. */
export interface ManifestInput {
  exportId: string;
  tenant: string;
  createdAt: string;
  chunkSize: number;
  /** In ix order: chunk i of the concatenated JSONL is chunks[i]. */
  chunks: readonly Pick<ManifestChunk, 'sha256' | 'size'>[];
  proofs: UnsignedManifest['proofs'];
  source: UnsignedManifest['source'];
}

/**
 * The unsigned manifest v1.0: fixed fields set, `ix` numbered, `totalSize` summed and `merkleRoot`
 * computed from the chunk digests, so the fields a verifier cross-checks agree by construction.
 * Throws (zod) if the result is not a valid manifest.
 */
export async function assembleManifest(input: ManifestInput): Promise<UnsignedManifest> {
  const chunks = input.chunks.map((chunk, ix) => ({ ix, sha256: chunk.sha256, size: chunk.size }));
  return UnsignedManifestSchema.parse({
    manifestVersion: MANIFEST_VERSION,
    exportId: input.exportId,
    tenant: input.tenant,
    kind: 'extractive-summary',
    createdAt: input.createdAt,
    chunkSize: input.chunkSize,
    totalSize: chunks.reduce((sum, chunk) => sum + chunk.size, 0),
    contentType: EXPORT_CONTENT_TYPE,
    hashAlg: EXPORT_HASH_ALG,
    merkleRoot: await chunkTreeRoot(chunks),
    chunks,
    proofs: input.proofs,
    source: input.source,
  });
}

/**
 * `proofs.pii` from the scan of the final chunks (counts by PII type): "none" only when that scan
 * counted nothing, so no caller can write "none" over a finding.
 */
export function piiProof(finalScanCounts: Readonly<Record<string, number>>): UnsignedManifest['proofs']['pii'] {
  const findings = Object.fromEntries(Object.entries(finalScanCounts).filter(([, count]) => count > 0));
  return Object.keys(findings).length === 0 ? 'none' : { findings };
}

/** The manifest entry of a chunk held in memory (a streaming build may hash incrementally instead). */
export async function describeChunk(bytes: Uint8Array): Promise<Pick<ManifestChunk, 'sha256' | 'size'>> {
  return { sha256: toHex(await sha256(bytes)), size: bytes.byteLength };
}
