import {
  MAX_CHUNK_SIZE,
  type ExportCreated,
  type ExportRequest,
  type ExportReview,
  type ExportStatus,
  type ExportSummary,
  type Manifest,
  type ManifestProofs,
} from '@conductor/schema/contracts/exports';
import { ErrorCode } from '@conductor/sdk';
import { recordAudit } from '../audit/record.ts';
import { authorizeAs } from '../auth/authorize.ts';
import { decide, type ExportResource } from '../auth/cedar.ts';
import { actorOf, type Principal } from '../auth/principal.ts';
import type { Db } from '../db/client.ts';
import { ApiError } from '../http/errors.ts';
import { getLicensedTenant, listTenants } from '../tenants/queries.ts';
import type { BlobStore } from './blobs/store.ts';
import { exportBlobPrefix } from './build/keys.ts';
import type { PiiReport } from './pii/index.ts';
import { exportAuditEntries, getExport, insertExport, listExports, lockExport, recordReview, type ExportRow } from './queries.ts';
import { assertExportsEnabled } from './switch/service.ts';

/*
 * The /v1/exports service: create, list, read and review exports (issue 9). Every function takes
 * the principal and asks Cedar itself (docs/adr/0016), so the HTTP routes and the admin pages that
 * call these directly decide alike. Each change commits with its audit entry.
 */

/**
 * Bytes per chunk of a new export. A chunk is held whole to hash and check it (docs/adr/0015 §5),
 * on a Worker too, so well under MAX_CHUNK_SIZE; a `pull --parallel 4` then holds 32 MiB.
 */
export const DEFAULT_EXPORT_CHUNK_SIZE = 8 * 1024 * 1024;

export const EXPORT_CREATE_ACTION = 'export.create';
export const EXPORT_APPROVE_ACTION = 'export.approve';
export const EXPORT_REJECT_ACTION = 'export.reject';

/** Listing answers at most this many exports, newest first. */
export const EXPORT_LIST_LIMIT = 500;

// Export ids are UUIDs in the table; anything else names no export (and must not reach a uuid comparison).
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function exportTarget(exportId: string): string {
  return `export:${exportId}`;
}

/** The row as Cedar's `Export` entity. */
export function exportResource(row: ExportRow): ExportResource {
  return { type: 'Export', id: row.exportId, tenant: row.tenantId, requestedBy: row.requestedBy, status: row.status };
}

export function toExportSummary(row: ExportRow): ExportSummary {
  const manifest = row.manifest as Manifest | null;
  return {
    exportId: row.exportId,
    tenant: row.tenantId,
    kind: row.kind,
    status: row.status,
    requestedBy: row.requestedBy,
    createdAt: row.createdAt.toISOString(),
    license: row.license,
    purpose: row.purpose,
    redact: row.redact,
    chunkCount: manifest ? manifest.chunks.length : null,
    totalSize: row.totalSize,
    merkleRoot: row.merkleRoot,
    reviewedBy: row.reviewedBy,
    reviewedAt: row.reviewedAt?.toISOString() ?? null,
    reviewReason: row.reviewReason,
  };
}

/** The export or 404 NOT_FOUND; no authorization (the caller decides which action it needs). */
export async function loadExport(db: Db, exportId: string): Promise<ExportRow> {
  const row = UUID.test(exportId) ? await getExport(db, exportId.toLowerCase()) : undefined;
  if (!row) throw new ApiError(404, ErrorCode.NOT_FOUND, `export "${exportId}" does not exist`);
  return row;
}

/** The export, once `read` on its tenant is allowed. */
async function readableExport(db: Db, principal: Principal, exportId: string): Promise<ExportRow> {
  const row = await loadExport(db, exportId);
  authorizeAs(principal, 'read', { type: 'Tenant', id: row.tenantId });
  return row;
}

/**
 * POST /v1/exports. Cedar `createExport` on the tenant with its licences, with the request's
 * licence and purposes as context: the policies check both against the tenant and the token.
 * The export starts `building`; the build job (build/job.ts) takes it from there.
 */
export async function createExport(db: Db, principal: Principal, request: ExportRequest, opts: { chunkSize?: number } = {}): Promise<ExportCreated> {
  const chunkSize = opts.chunkSize ?? DEFAULT_EXPORT_CHUNK_SIZE;
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) throw new RangeError(`chunk size ${chunkSize} is outside 1..${MAX_CHUNK_SIZE}`);
  const tenant = await getLicensedTenant(db, request.tenant);
  if (!tenant) throw new ApiError(404, ErrorCode.UNKNOWN_TENANT, `tenant "${request.tenant}" does not exist`);
  authorizeAs(principal, 'createExport', tenant, { license: request.license, purpose: request.purpose });
  await assertExportsEnabled(db);
  const actor = actorOf(principal);
  const row = await db.transaction(async (tx) => {
    const inserted = await insertExport(tx, {
      tenantId: request.tenant,
      kind: request.kind,
      requestedBy: actor,
      license: request.license,
      purpose: request.purpose,
      redact: request.redact,
      maxDocuments: request.maxDocuments ?? null,
      chunkSize,
    });
    await recordAudit(tx, {
      actor,
      tenantId: request.tenant,
      action: EXPORT_CREATE_ACTION,
      target: exportTarget(inserted.exportId),
      payload: { kind: request.kind, license: request.license, purpose: request.purpose, redact: request.redact, maxDocuments: request.maxDocuments ?? null, chunkSize },
    });
    return inserted;
  });
  return { exportId: row.exportId, status: row.status };
}

/**
 * GET /v1/exports. With `tenant`, `read` on it is required (403 otherwise); without, the exports of
 * every tenant the principal may read (members their tenants, platform admins all).
 */
export async function listExportSummaries(db: Db, principal: Principal, query: { tenant?: string; status?: ExportStatus; limit?: number } = {}): Promise<ExportSummary[]> {
  let tenants: string[];
  if (query.tenant !== undefined) {
    authorizeAs(principal, 'read', { type: 'Tenant', id: query.tenant });
    tenants = [query.tenant];
  } else {
    tenants = (await listTenants(db)).map((t) => t.id).filter((id) => decide(principal, 'read', { type: 'Tenant', id }));
  }
  const rows = await listExports(db, { tenants, status: query.status, limit: Math.min(query.limit ?? EXPORT_LIST_LIMIT, EXPORT_LIST_LIMIT) });
  return rows.map(toExportSummary);
}

/** GET /v1/exports/{id}: `read` on the export's tenant. */
export async function getExportSummary(db: Db, principal: Principal, exportId: string): Promise<ExportSummary> {
  return toExportSummary(await readableExport(db, principal, exportId));
}

/** What the review queue shows beside the summary (admin pages): the proofs, the PII report, why a build failed. */
export interface ExportDetail {
  summary: ExportSummary;
  /** The signed proofs; null until published. */
  proofs: ManifestProofs | null;
  source: Manifest['source'] | null;
  piiReport: PiiReport | null;
  failure: string | null;
}

export async function getExportDetail(db: Db, principal: Principal, exportId: string): Promise<ExportDetail> {
  const row = await readableExport(db, principal, exportId);
  const manifest = row.manifest as Manifest | null;
  return {
    summary: toExportSummary(row),
    proofs: manifest?.proofs ?? null,
    source: manifest?.source ?? null,
    piiReport: (row.piiReport as PiiReport | null) ?? null,
    failure: row.failure,
  };
}

export interface ExportHistoryEntry {
  at: string;
  actor: string;
  action: string;
  payload: unknown;
}

/** The export's audit entries, oldest first: created, published, reviewed, each download. `read` on its tenant. */
export async function exportHistory(db: Db, principal: Principal, exportId: string): Promise<ExportHistoryEntry[]> {
  const row = await readableExport(db, principal, exportId);
  return (await exportAuditEntries(db, row.tenantId, row.exportId)).map((e) => ({ at: e.at.toISOString(), actor: e.actor, action: e.action, payload: e.payload }));
}

/**
 * POST /v1/exports/{id}/review. Cedar `reviewExport` (scope export.review, clearance ≥ 4, a member
 * of the export's tenant, never its requester; the table's CHECK refuses a self-review again).
 * Only a `pending_review` export is reviewed: anything else is 409, decided under the row lock so
 * two reviewers cannot both decide. A rejection deletes the chunk rows with the decision and the
 * blobs after it commits; the manifest stays, as the record of what was refused.
 */
export async function reviewExport(db: Db, blobs: BlobStore, principal: Principal, exportId: string, review: ExportReview): Promise<ExportSummary> {
  const row = await loadExport(db, exportId);
  authorizeAs(principal, 'reviewExport', exportResource(row));
  const actor = actorOf(principal);
  const rejected = review.decision === 'reject';
  const reviewed = await db.transaction(async (tx) => {
    const locked = await lockExport(tx, row.exportId);
    if (locked?.status !== 'pending_review') {
      throw new ApiError(409, ErrorCode.CONFLICT, `export "${row.exportId}" is ${locked?.status ?? 'gone'}: only a pending_review export can be reviewed`);
    }
    const updated = await recordReview(tx, row.exportId, { status: rejected ? 'rejected' : 'approved', reviewedBy: actor, reviewReason: review.reason, reviewedAt: new Date() });
    if (!updated) throw new Error(`export ${row.exportId} left pending_review under its row lock`);
    await recordAudit(tx, {
      actor,
      tenantId: row.tenantId,
      action: rejected ? EXPORT_REJECT_ACTION : EXPORT_APPROVE_ACTION,
      target: exportTarget(row.exportId),
      payload: { reason: review.reason, requestedBy: row.requestedBy, merkleRoot: updated.merkleRoot, totalSize: updated.totalSize },
    });
    return updated;
  });
  if (rejected) {
    // After the commit: a blob deleted before a rollback could not be brought back. A failure here
    // leaves orphan blobs under the prefix, as a failed build can (docs/adr/0015, Consequences).
    try {
      await blobs.deletePrefix(exportBlobPrefix(row.exportId));
    } catch (err) {
      console.error(`[exports] export ${row.exportId} rejected, but deleting its blobs failed`, err);
    }
  }
  return toExportSummary(reviewed);
}
