import { createRoute, z } from '@hono/zod-openapi';
import { EdgeConfigSchema } from '@conductor/schema/contracts/edge-config';
import { PLATFORM } from '../../auth/cedar.ts';
import { authorize } from '../../auth/middleware.ts';
import { bearerSecurity, errorResponses } from '../../http/openapi.ts';
import { createRouter } from '../../http/router.ts';
import { matchesIfNoneMatch } from './build.ts';
import { getEdgeConfig } from './service.ts';

export const routes = createRouter().openapi(
  createRoute({
    method: 'get',
    path: '/config',
    operationId: 'getEdgeConfig',
    tags: ['edge'],
    security: bearerSecurity,
    summary: 'Config snapshot the edge pulls: tenants, safelist with TTLs, invalidation map',
    description: 'ETag is the quoted `version` (sha256 of the canonical JSON of the content); send it back in If-None-Match to get 304 while nothing changed.',
    request: { headers: z.object({ 'if-none-match': z.string().optional() }) },
    responses: {
      200: { description: 'Snapshot', headers: { ETag: { schema: { type: 'string' } } }, content: { 'application/json': { schema: EdgeConfigSchema } } },
      304: { description: 'Unchanged since the ETag given in If-None-Match' },
      ...errorResponses(401, 403),
    },
  }),
  async (c) => {
    await authorize(c, 'read', PLATFORM);
    const config = await getEdgeConfig(c.var.deps.db);
    c.header('ETag', `"${config.version}"`);
    // Caches in between must revalidate: a stale config would delay purges and TTL changes.
    c.header('Cache-Control', 'no-cache');
    if (matchesIfNoneMatch(c.req.valid('header')['if-none-match'], config.version)) return c.body(null, 304);
    return c.json(config, 200);
  },
);
