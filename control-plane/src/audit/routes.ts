import { createRoute, z } from '@hono/zod-openapi';
import { AuditPageSchema, AuditVerificationSchema, type AuditEntry } from '@conductor/schema/contracts/audit';
import { TenantIdSchema } from '@conductor/schema/contracts/auth';
import { PLATFORM } from '../auth/cedar.ts';
import { authorize } from '../auth/middleware.ts';
import { bearerSecurity, errorResponses } from '../http/openapi.ts';
import { createRouter } from '../http/router.ts';
import { listAudit, type AuditRow } from './queries.ts';
import { verifyAuditChain } from './verify.ts';

const MAX_PAGE = 200;

const auditQuery = z.object({
  tenant: TenantIdSchema.optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(50),
});

function toEntry(row: AuditRow): AuditEntry {
  return { ...row, at: row.at.toISOString() };
}

export const routes = createRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/',
      operationId: 'listAuditEntries',
      tags: ['audit'],
      summary: 'Audit log, newest first (one tenant with ?tenant=, all of it for platform readers)',
      security: bearerSecurity,
      request: { query: auditQuery },
      responses: {
        200: { description: 'A page of audit entries', content: { 'application/json': { schema: AuditPageSchema } } },
        ...errorResponses(400, 401, 403),
      },
    }),
    async (c) => {
      const { tenant, before, limit } = c.req.valid('query');
      await authorize(c, 'read', tenant === undefined ? PLATFORM : { type: 'Tenant', id: tenant });
      const rows = await listAudit(c.var.deps.db, { tenantId: tenant, before, limit });
      const nextBefore = rows.length === limit ? rows[rows.length - 1]!.seq : null;
      return c.json({ entries: rows.map(toEntry), nextBefore }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/verify',
      operationId: 'verifyAuditChain',
      tags: ['audit'],
      summary: 'Walk the hash chain and report the first broken row, if any',
      security: bearerSecurity,
      responses: {
        200: { description: 'Verification result', content: { 'application/json': { schema: AuditVerificationSchema } } },
        ...errorResponses(401, 403),
      },
    }),
    async (c) => {
      await authorize(c, 'read', PLATFORM);
      return c.json(await verifyAuditChain(c.var.deps.db), 200);
    },
  );
