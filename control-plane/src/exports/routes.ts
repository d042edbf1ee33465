import { createRoute, z } from '@hono/zod-openapi';
import {
  ChunkInclusionProofSchema,
  ExportCreatedSchema,
  ExportIdSchema,
  ExportListQuerySchema,
  ExportListSchema,
  ExportRequestSchema,
  ExportReviewSchema,
  ExportsSwitchRequestSchema,
  ExportsSwitchSchema,
  ExportSummarySchema,
  EXPORT_CONTENT_TYPE,
  ManifestSchema,
} from '@conductor/schema/contracts/exports';
import { PLATFORM } from '../auth/cedar.ts';
import { authorize } from '../auth/middleware.ts';
import { bearerSecurity, errorResponses, jsonBody } from '../http/openapi.ts';
import { createRouter } from '../http/router.ts';
import { getChunkProof, getPublishedManifest } from './serving/manifest.ts';
import { serveChunk, serveDownload } from './serving/respond.ts';
import { createExport, getExportSummary, listExportSummaries, reviewExport } from './service.ts';
import { getExportsSwitchState, setExportsEnabled } from './switch/service.ts';

/*
 * /v1/exports (issue 9). Handlers only validate and hand the principal to the services, which ask
 * Cedar (docs/adr/0016) and own transactions and audit entries; the admin pages call the same
 * services. Access, the backout and the error statuses are docs/adr/0017.
 */

const tags = ['exports'];
const idParams = z.object({ id: ExportIdSchema });
const chunkParams = z.object({ id: ExportIdSchema, ix: z.coerce.number().int().min(0).max(1_000_000) });
const summary = { description: 'The export', content: { 'application/json': { schema: ExportSummarySchema } } };
const switchState = { description: 'The switch', content: { 'application/json': { schema: ExportsSwitchSchema } } };

const DISABLED = '503 EXPORTS_DISABLED while the backout is on (PUT /v1/exports/switch).';
const BYTES =
  'Approved exports only (Cedar downloadExport: scope export.download or export.create, member of the tenant). ' +
  'Single byte ranges (206, 416 with Content-Range: bytes */size), If-Range against the strong ETag; multiple ranges are answered whole. ' +
  'Every chunk is checked against the signed manifest before a byte of it is sent: a damaged one is refused with 500 EXPORT_CORRUPT. ' +
  `Audited. ${DISABLED}`;
const byteHeaders = (extra: Record<string, string> = {}) =>
  Object.fromEntries(
    Object.entries({
      ETag: 'Strong validator derived from the manifest hashes',
      'Accept-Ranges': 'bytes',
      ...extra,
    }).map(([name, description]) => [name, { description, schema: { type: 'string' as const } }]),
  );
const jsonl = { [EXPORT_CONTENT_TYPE]: { schema: z.string().openapi({ format: 'binary' }) } };
const bytesResponses = (digests: boolean) => {
  const headers = byteHeaders(digests ? { 'Repr-Digest': 'RFC 9530 sha-256 of the whole chunk', 'Content-Digest': 'RFC 9530 sha-256 of the content (200 only)' } : {});
  return {
    200: { description: 'The bytes', headers, content: jsonl },
    206: { description: 'The requested range', headers: { ...headers, ...byteHeaders({ 'Content-Range': 'bytes first-last/size' }) }, content: jsonl },
    ...errorResponses(400, 401, 403, 404, 416, 500, 503),
  };
};

/**
 * The byte routes answer the Response bytesResponse built. Their typed responses take
 * `application/jsonl` for JSON (@hono/zod-openapi matches `application/*json*`), so no plain
 * Response fits them: it is passed through as is.
 */
const passThrough = (response: Response): never => response as never;

export const routes = createRouter()
  .openapi(
    createRoute({
      method: 'post',
      path: '/',
      operationId: 'createExport',
      tags,
      security: bearerSecurity,
      summary: "Ask for an export of a tenant's documents (extractive summaries), under a licence and for purposes",
      description:
        'Cedar createExport: member of the tenant, scope export.create, the licence among the tenant’s allowed licences, every purpose among the token’s purposes. ' +
        `A missing licence or purpose is 400 naming the field. The export starts building and then waits for review. Audited. ${DISABLED}`,
      request: { body: jsonBody(ExportRequestSchema) },
      responses: {
        202: { description: 'Accepted: building', content: { 'application/json': { schema: ExportCreatedSchema } } },
        ...errorResponses(400, 401, 403, 404, 413, 503),
      },
    }),
    async (c) => {
      const created = await createExport(c.var.deps.db, c.var.principal, c.req.valid('json'), { chunkSize: c.var.deps.exportChunkSize });
      c.header('Location', `/v1/exports/${created.exportId}`);
      return c.json(created, 202);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/',
      operationId: 'listExports',
      tags,
      security: bearerSecurity,
      summary: 'Exports, newest first: of one tenant (read access required) or of every tenant the caller may read',
      request: { query: ExportListQuerySchema },
      responses: { 200: { description: 'Exports', content: { 'application/json': { schema: ExportListSchema } } }, ...errorResponses(400, 401, 403) },
    }),
    async (c) => c.json({ exports: await listExportSummaries(c.var.deps.db, c.var.principal, c.req.valid('query')) }, 200),
  )
  // Before /{id}, which would otherwise take "switch" for an export id.
  .openapi(
    createRoute({
      method: 'get',
      path: '/switch',
      operationId: 'getExportsSwitch',
      tags,
      security: bearerSecurity,
      summary: 'Whether exports are switched on (the backout "hide RAG export")',
      responses: { 200: switchState, ...errorResponses(401, 403) },
    }),
    async (c) => {
      await authorize(c, 'read', PLATFORM);
      return c.json(await getExportsSwitchState(c.var.deps.db), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'put',
      path: '/switch',
      operationId: 'setExportsSwitch',
      tags,
      security: bearerSecurity,
      summary: 'Backout "hide RAG export": switch exports off (creation and downloads refused, exports kept) or back on',
      description:
        'Cedar switchExports: role platform-admin and scope admin.write. Off, POST /v1/exports and the manifest, chunk, proof and download routes answer ' +
        '503 EXPORTS_DISABLED; listing, status and review go on, builds continue and nothing is deleted. Audited; a call that changes nothing records nothing.',
      request: { body: jsonBody(ExportsSwitchRequestSchema) },
      responses: { 200: switchState, ...errorResponses(400, 401, 403, 413) },
    }),
    async (c) => c.json(await setExportsEnabled(c.var.deps.db, c.var.principal, c.req.valid('json').enabled), 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/{id}',
      operationId: 'getExport',
      tags,
      security: bearerSecurity,
      summary: 'One export: status, proofs asked for, size once built, review',
      request: { params: idParams },
      responses: { 200: summary, ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => c.json(await getExportSummary(c.var.deps.db, c.var.principal, c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/{id}/review',
      operationId: 'reviewExport',
      tags,
      security: bearerSecurity,
      summary: 'Approve or reject a pending export, with a reason',
      description:
        'Cedar reviewExport: member of the tenant, scope export.review, clearance 4 or more, and never the requester (403). ' +
        'Only a pending_review export is reviewed (409 otherwise). A rejection deletes the chunks. Audited.',
      request: { params: idParams, body: jsonBody(ExportReviewSchema) },
      responses: { 200: summary, ...errorResponses(400, 401, 403, 404, 409, 413) },
    }),
    async (c) => c.json(await reviewExport(c.var.deps.db, c.var.deps.exportBlobs, c.var.principal, c.req.valid('param').id, c.req.valid('json')), 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/{id}/manifest',
      operationId: 'getExportManifest',
      tags,
      security: bearerSecurity,
      summary: 'The signed manifest (v1.0: chunk digests, Merkle root, proofs, detached JWS)',
      description: `Read access to the tenant; once published (404 while building or after a failed build). Holds hashes and proofs, no exported text. ${DISABLED}`,
      request: { params: idParams },
      responses: { 200: { description: 'Manifest', content: { 'application/json': { schema: ManifestSchema } } }, ...errorResponses(400, 401, 403, 404, 503) },
    }),
    async (c) => c.json(await getPublishedManifest(c.var.deps.db, c.var.principal, c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/{id}/chunks/{ix}',
      operationId: 'getExportChunk',
      tags,
      security: bearerSecurity,
      summary: 'One chunk of an approved export (bytes ix·chunkSize onwards of the JSONL)',
      description: `${BYTES} ETag "sha256-<hex>", Repr-Digest and, on 200, Content-Digest.`,
      request: { params: chunkParams },
      responses: bytesResponses(true),
    }),
    async (c) => {
      const { id, ix } = c.req.valid('param');
      return passThrough(await serveChunk(c, { db: c.var.deps.db, blobs: c.var.deps.exportBlobs }, c.var.principal, id, ix));
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/{id}/chunks/{ix}/proof',
      operationId: 'getExportChunkProof',
      tags,
      security: bearerSecurity,
      summary: 'The RFC 6962 inclusion proof of one chunk, to check against the signed manifest’s root',
      description: `Read access to the tenant, once published. ${DISABLED}`,
      request: { params: chunkParams },
      responses: { 200: { description: 'Audit path', content: { 'application/json': { schema: ChunkInclusionProofSchema } } }, ...errorResponses(400, 401, 403, 404, 503) },
    }),
    async (c) => {
      const { id, ix } = c.req.valid('param');
      return c.json(await getChunkProof(c.var.deps.db, c.var.principal, id, ix), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/{id}/download',
      operationId: 'downloadExport',
      tags,
      security: bearerSecurity,
      summary: 'The whole export: every chunk concatenated (JSONL), streamed a chunk at a time',
      description: `${BYTES} ETag "merkle-sha256-<root>". A range may span chunks. A chunk found damaged after the first byte was sent cuts the response short.`,
      request: { params: idParams },
      responses: bytesResponses(false),
    }),
    async (c) => passThrough(await serveDownload(c, { db: c.var.deps.db, blobs: c.var.deps.exportBlobs }, c.var.principal, c.req.valid('param').id)),
  );
