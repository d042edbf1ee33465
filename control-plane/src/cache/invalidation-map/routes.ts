import { createRoute, z } from '@hono/zod-openapi';
import { GraphqlNameSchema, PutInvalidationSchema } from '@conductor/schema/contracts/cache-admin';
import { EdgeInvalidationSchema } from '@conductor/schema/contracts/edge-config';
import { PLATFORM } from '../../auth/cedar.ts';
import { authorize } from '../../auth/middleware.ts';
import { errorResponses, jsonBody, bearerSecurity } from '../../http/openapi.ts';
import { createRouter } from '../../http/router.ts';
import { listInvalidations } from './queries.ts';
import { putInvalidation, removeInvalidation } from './service.ts';

const entryParams = z.object({ mutationOp: GraphqlNameSchema, affectedOp: GraphqlNameSchema });
const tags = ['invalidation-map'];

export const routes = createRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/',
      operationId: 'listInvalidationMapEntries',
      tags,
      security: bearerSecurity,
      summary: 'Which cached operations each mutation invalidates, and through which variables',
      responses: {
        200: { description: 'Invalidation map', content: { 'application/json': { schema: z.object({ entries: z.array(EdgeInvalidationSchema) }) } } },
        ...errorResponses(401, 403),
      },
    }),
    async (c) => {
      await authorize(c, 'read', PLATFORM);
      return c.json({ entries: await listInvalidations(c.var.deps.db) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'put',
      path: '/{mutationOp}/{affectedOp}',
      operationId: 'upsertInvalidationMapEntry',
      tags,
      security: bearerSecurity,
      summary: 'Create or replace an entry',
      description:
        '`mutationOp` is the root mutation field whose arguments the selector reads; `affectedOp` is a safelisted operation name ' +
        '(404 UNKNOWN_OPERATION otherwise). Every selector key must be a variable that every version of the affected operation declares (400 UNDECLARED_VARIABLE).',
      request: { params: entryParams, body: jsonBody(PutInvalidationSchema) },
      responses: {
        200: { description: 'Replaced (or unchanged)', content: { 'application/json': { schema: EdgeInvalidationSchema } } },
        201: { description: 'Created', content: { 'application/json': { schema: EdgeInvalidationSchema } } },
        ...errorResponses(400, 401, 403, 404, 413),
      },
    }),
    async (c) => {
      await authorize(c, 'write', PLATFORM);
      const { mutationOp, affectedOp } = c.req.valid('param');
      const { entry, created } = await putInvalidation(c.var.deps.db, c.var.principal.sub, mutationOp, affectedOp, c.req.valid('json').varsSelector);
      return created ? c.json(entry, 201) : c.json(entry, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'delete',
      path: '/{mutationOp}/{affectedOp}',
      operationId: 'deleteInvalidationMapEntry',
      tags,
      security: bearerSecurity,
      summary: 'Remove an entry',
      request: { params: entryParams },
      responses: {
        204: { description: 'Deleted' },
        ...errorResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      await authorize(c, 'write', PLATFORM);
      const { mutationOp, affectedOp } = c.req.valid('param');
      await removeInvalidation(c.var.deps.db, c.var.principal.sub, mutationOp, affectedOp);
      return c.body(null, 204);
    },
  );
