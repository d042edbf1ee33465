import { createRoute, z } from '@hono/zod-openapi';
import { ExportDetailSchema, ExportHistorySchema, ExportSampleSchema } from '@conductor/schema/contracts/export-review';
import { ExportIdSchema } from '@conductor/schema/contracts/exports';
import { bearerSecurity, errorResponses } from '../http/openapi.ts';
import { createRouter } from '../http/router.ts';
import { MAX_SAMPLE_LINES, sampleExportLines } from './samples.ts';
import { exportHistory, getExportDetail } from './service.ts';

/*
 * The reads behind the admin review queue (/admin/exports), which is a view over the JSON API like
 * every admin page: what a reviewer needs beside GET /v1/exports/{id}. The services decide access
 * (docs/adr/0020): the detail and the history take `read` on the export's tenant, as the export's
 * status does; the sample is exported text, so it takes `reviewExport` (docs/adr/0016).
 */

const tags = ['exports'];
const idParams = z.object({ id: ExportIdSchema });
const sampleQuery = z.object({ n: z.coerce.number().int().min(1).max(MAX_SAMPLE_LINES).default(10) });

export const reviewRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/{id}/detail',
      operationId: 'getExportDetail',
      tags,
      security: bearerSecurity,
      summary: 'One export with its signed proofs and source, the PII report of its build, and why a build failed',
      description: 'Read access to the export’s tenant. Proofs, source and report are null until the export is published.',
      request: { params: idParams },
      responses: { 200: { description: 'The export in detail', content: { 'application/json': { schema: ExportDetailSchema } } }, ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => c.json(await getExportDetail(c.var.deps.db, c.var.principal, c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/{id}/sample',
      operationId: 'getExportSample',
      tags,
      security: bearerSecurity,
      summary: 'The first n lines of an export, each with its provenance {docId, start, end}',
      description:
        'Cedar reviewExport (scope export.review, clearance 4 or more, not the requester): reviewers see samples, not downloads. ' +
        'Only while the export has its chunks (pending_review or approved; 409 otherwise). Each chunk read is checked against the signed manifest: a damaged one is 500 EXPORT_CORRUPT.',
      request: { params: idParams, query: sampleQuery },
      responses: { 200: { description: 'Lines', content: { 'application/json': { schema: ExportSampleSchema } } }, ...errorResponses(400, 401, 403, 404, 409, 500) },
    }),
    async (c) => c.json(await sampleExportLines(c.var.deps.db, c.var.deps.exportBlobs, c.var.principal, c.req.valid('param').id, { limit: c.req.valid('query').n }), 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/{id}/history',
      operationId: 'getExportHistory',
      tags,
      security: bearerSecurity,
      summary: 'The audit entries of one export, oldest first: requested, published, reviewed, each download',
      description: 'Read access to the export’s tenant.',
      request: { params: idParams },
      responses: { 200: { description: 'Audit entries', content: { 'application/json': { schema: ExportHistorySchema } } }, ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => c.json({ entries: await exportHistory(c.var.deps.db, c.var.principal, c.req.valid('param').id) }, 200),
  );
