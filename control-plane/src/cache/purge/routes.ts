import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { TenantIdSchema } from '@conductor/schema/contracts/auth';
import { PurgeEventSchema } from '@conductor/schema/contracts/cache-admin';
import { ErrorCode, isDryRun, parsePurgeCommand, PurgeCommandSchema, PurgeDryRunSchema, PurgeReceiptSchema } from '@conductor/sdk';
import { authorize } from '../../auth/middleware.ts';
import { ApiError } from '../../http/errors.ts';
import { errorResponses, jsonBody, bearerSecurity } from '../../http/openapi.ts';
import { createRouter } from '../../http/router.ts';
import { listPurgeEvents } from './queries.ts';
import { dryRunPurge, forwardPurge, toPurgeEvent } from './service.ts';

const tags = ['purge'];

/** A union's own validation error is only "Invalid input": name the problem with the form the body picked. */
async function invalidCommand(c: Context): Promise<never> {
  const parsed = parsePurgeCommand(await c.req.json());
  throw new ApiError(400, ErrorCode.VALIDATION_FAILED, parsed.ok ? 'json: invalid purge' : `json: invalid ${parsed.problem}`);
}

/** POST /v1/purge. */
export const routes = createRouter().openapi(
  createRoute({
    method: 'post',
    path: '/',
    operationId: 'purgeCache',
    tags,
    security: bearerSecurity,
    summary: "Purge a tenant's cache through the edge hook (admin.write in that tenant), or preview it with dryRun: true",
    description:
      'Signed and forwarded to the edge; answers with the edge receipt once generations are bumped. Edge 4xx answers are passed through; ' +
      'an unreachable or failing edge is 502 EDGE_UNAVAILABLE and is recorded as a failed purge. ' +
      'With `dryRun: true` (and no purgeId) the edge answers what the purge would do instead: the tags, the operations they reach and ' +
      'the live entries it would make unreachable; nothing is bumped or recorded, and reading the tenant is enough to ask.',
    request: { body: jsonBody(PurgeCommandSchema) },
    responses: {
      200: {
        description: 'Edge receipt, or the dry-run answer',
        content: { 'application/json': { schema: z.union([PurgeReceiptSchema, PurgeDryRunSchema]) } },
      },
      ...errorResponses(400, 401, 403, 404, 409, 413, 502),
    },
  }),
  async (c) => {
    const command = c.req.valid('json');
    if (isDryRun(command)) {
      // Changes nothing, so reading the tenant is enough: mutation authors can see what their mutation would purge.
      await authorize(c, 'read', { type: 'Tenant', id: command.tenant });
      return c.json(await dryRunPurge(c.var.deps, command), 200);
    }
    await authorize(c, 'write', { type: 'Tenant', id: command.tenant });
    return c.json(await forwardPurge(c.var.deps, c.var.principal.sub, command), 200);
  },
  (result, c) => (result.success ? undefined : invalidCommand(c)),
);

/** GET /v1/purges: the history. */
export const historyRoutes = createRouter().openapi(
  createRoute({
    method: 'get',
    path: '/',
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
