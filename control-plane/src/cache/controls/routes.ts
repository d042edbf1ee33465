import { createRoute, z } from '@hono/zod-openapi';
import { CacheControlsSchema, CachingSwitchSchema, GraphqlNameSchema } from '@conductor/schema/contracts/cache-admin';
import { PLATFORM } from '../../auth/cedar.ts';
import { authorize } from '../../auth/middleware.ts';
import { errorResponses, jsonBody, bearerSecurity } from '../../http/openapi.ts';
import { createRouter } from '../../http/router.ts';
import { getCacheControls, setGlobalCaching, setOperationCachingByName } from './service.ts';

const tags = ['cache-controls'];
const controls = { description: 'Current switches', content: { 'application/json': { schema: CacheControlsSchema } } };
const EDGE_NOTE = 'The edge applies it on its next config pull (within 5 s). Entries are kept, not deleted; purge separately if the cached data is wrong.';

export const routes = createRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/',
      operationId: 'getCacheControls',
      tags,
      security: bearerSecurity,
      summary: 'Emergency caching switches: global and per operation name',
      responses: { 200: controls, ...errorResponses(401, 403) },
    }),
    async (c) => {
      await authorize(c, 'read', PLATFORM);
      return c.json(await getCacheControls(c.var.deps.db), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'put',
      path: '/caching',
      operationId: 'setGlobalCaching',
      tags,
      security: bearerSecurity,
      summary: 'Turn caching off (every request BYPASSes the cache) or back on, for every tenant and operation',
      description: EDGE_NOTE,
      request: { body: jsonBody(CachingSwitchSchema) },
      responses: { 200: controls, ...errorResponses(400, 401, 403, 413) },
    }),
    async (c) => {
      await authorize(c, 'write', PLATFORM);
      return c.json(await setGlobalCaching(c.var.deps.db, c.var.principal.sub, c.req.valid('json').enabled), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'put',
      path: '/operations/{name}/caching',
      operationId: 'setOperationCaching',
      tags,
      security: bearerSecurity,
      summary: 'Turn caching off or on for one operation name (all its document versions, and versions published later)',
      description: `${EDGE_NOTE} 404 UNKNOWN_OPERATION when no safelisted document has that name.`,
      request: { params: z.object({ name: GraphqlNameSchema }), body: jsonBody(CachingSwitchSchema) },
      responses: { 200: controls, ...errorResponses(400, 401, 403, 404, 413) },
    }),
    async (c) => {
      await authorize(c, 'write', PLATFORM);
      const { name } = c.req.valid('param');
      return c.json(await setOperationCachingByName(c.var.deps.db, c.var.principal.sub, name, c.req.valid('json').enabled), 200);
    },
  );
