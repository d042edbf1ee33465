import type { ChunkInclusionProof, Manifest } from '@conductor/schema/contracts/exports';
import { ErrorCode } from '@conductor/sdk';
import { authorizeAs } from '../../auth/authorize.ts';
import type { Principal } from '../../auth/principal.ts';
import type { Db } from '../../db/client.ts';
import { ApiError } from '../../http/errors.ts';
import { chunkInclusionProof } from '../manifest/index.ts';
import type { ExportRow } from '../queries.ts';
import { loadExport } from '../service.ts';
import { assertExportsEnabled } from '../switch/service.ts';
import { manifestChunk } from './respond.ts';

/*
 * GET /v1/exports/{id}/manifest and …/chunks/{ix}/proof (docs/adr/0017). Both carry hashes,
 * proofs and sizes, never a line of the export, so they take `read` on the export's tenant, not
 * `downloadExport`: a reviewer checks the signature and the proofs of what they are asked to
 * release, and a pull reads them the same way after approval. They exist once the export is
 * published (404 while building or after a failed build), and are part of what the backout hides.
 */

async function published(db: Db, principal: Principal, exportId: string): Promise<{ row: ExportRow; manifest: Manifest }> {
  const row = await loadExport(db, exportId);
  authorizeAs(principal, 'read', { type: 'Tenant', id: row.tenantId });
  await assertExportsEnabled(db);
  if (!row.manifest) {
    throw new ApiError(404, ErrorCode.NOT_FOUND, `export "${row.exportId}" is ${row.status}: it has no manifest${row.status === 'building' ? ' until its build is published' : ''}`);
  }
  return { row, manifest: row.manifest as Manifest };
}

/** The signed manifest as published (a detached JWS over its RFC 8785 form, docs/adr/0014). */
export async function getPublishedManifest(db: Db, principal: Principal, exportId: string): Promise<Manifest> {
  return (await published(db, principal, exportId)).manifest;
}

/** Chunk `ix`'s RFC 6962 audit path, to be checked against the signed manifest's root. */
export async function getChunkProof(db: Db, principal: Principal, exportId: string, ix: number): Promise<ChunkInclusionProof> {
  const { row, manifest } = await published(db, principal, exportId);
  manifestChunk(row, manifest, ix);
  return chunkInclusionProof(manifest.chunks, ix);
}
