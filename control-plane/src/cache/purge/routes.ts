import { createRoute, z } from '@hono/zod-openapi';
import { TenantIdSchema } from '@conductor/schema/contracts/auth';
import { PurgeEventSchema } from '@conductor/schema/contracts/cache-admin';
import { PurgeReceiptSchema, PurgeRequestSchema } from '@conductor/sdk';
import { authorize } from '../../auth/middleware.ts';
import { errorResponses, jsonBody, bearerSecurity } from '../../http/openapi.ts';
import { createRouter } from '../../http/router.ts';
import { listPurgeEvents } from './queries.ts';
import { forwardPurge, toPurgeEvent } from './service.ts';

const tags = ['purge'];

export const routes = createRouter()
  .openapi(
    createRoute({
      method: 'post',
      path: '/purge',
      operationId: 'purgeCache',
      tags,
      security: bearerSecurity,
      summary: "Purge a tenant's cache through the edge hook (admin.write in that tenant)",
      description:
        'Signed and forwarded to the edge; answers with the edge receipt once generations are bumped. Edge 4xx answers are passed through; ' +
        'an unreachable or failing edge is 502 EDGE_UNAVAILABLE and is recorded as a failed purge.',
      request: { body: jsonBody(PurgeRequestSchema) },
      responses: {
        200: { description: 'Edge receipt', content: { 'application/json': { schema: PurgeReceiptSchema } } },
        ...errorResponses(400, 401, 403, 404, 409, 413, 502),
      },
    }),
    async (c) => {
      const request = c.req.valid('json');
      await authorize(c, 'write', { type: 'Tenant', id: request.tenant });
      return c.json(await forwardPurge(c.var.deps, c.var.principal.sub, request), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/purges',
      operationId: 'listPurges',
      tags,
      security: bearerSecurity,
      summary: "A tenant's purge history, newest first (defaults to the caller's tenant)",
      request: {
        query: z.object({
          tenant: TenantIdSchema.optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
        }),
      },
      responses: {
        200: { description: 'Purge events', content: { 'application/json': { schema: z.object({ purges: z.array(PurgeEventSchema) }) } } },
        ...errorResponses(400, 401, 403),
      },
    }),
    async (c) => {
      const { tenant = c.var.principal.tenant, limit } = c.req.valid('query');
      await authorize(c, 'read', { type: 'Tenant', id: tenant });
      return c.json({ purges: (await listPurgeEvents(c.var.deps.db, tenant, limit)).map(toPurgeEvent) }, 200);
    },
  );
