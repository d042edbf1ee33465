/**
 * Export manifests and their proofs (pure: no I/O; docs/adr/0014). Node and Workers alike.
 *
 *   assembleManifest(input)                    → UnsignedManifest   fixed fields, ix, totalSize, merkleRoot
 *   describeChunk(bytes)                       → { sha256, size }
 *   piiProof(finalScanCounts)                  → "none" | { findings }   "none" only when nothing was found
 *   signManifest(unsigned, key)                → Manifest           detached RFC 7797 JWS (EdDSA)
 *   verifyManifestSignature(manifest, jwks)    → ok + kid | SIGNATURE_{MALFORMED,UNKNOWN_KEY,INVALID}
 *   verifyExport({ manifest, jwks, readChunk | digestChunk }) → { ok, failures[{ code, message, ix? }], manifest?, kid? }
 *   checkManifestConsistency(manifest), checkChunk(manifest, ix, bytes), checkChunkDigest(manifest, ix, { size, sha256 })
 *   chunkTreeRoot(chunks), chunkInclusionProof(chunks, ix), verifyChunkInclusion(proof, sha256, head)
 *   manifestSigningInput(manifest)             → the signed bytes (RFC 8785 JSON without `signature`)
 *
 * The generic RFC 6962 functions are in merkle.ts.
 */
export { assembleManifest, describeChunk, piiProof, type ManifestInput } from './assemble.ts';
export { manifestSigningInput } from './canonical-json.ts';
export { chunkInclusionProof, chunkLeafHashes, chunkTreeRoot, verifyChunkInclusion, type SignedTreeHead } from './chunk-proof.ts';
export { MANIFEST_JWS_ALG, signManifest, verifyManifestSignature, type ManifestSignatureCheck, type ManifestSigningKey } from './signature.ts';
export {
  checkChunk,
  checkChunkDigest,
  checkManifestConsistency,
  verifyExport,
  type ChunkDigest,
  type ExportCheckCode,
  type ExportCheckFailure,
  type ExportVerification,
  type VerifyExportInput,
} from './verify.ts';
