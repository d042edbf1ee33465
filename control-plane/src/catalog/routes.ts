import { createRoute, z } from '@hono/zod-openapi';
import {
  EntityNameSchema,
  ServiceInputSchema,
  ServiceOpInputSchema,
  ServiceOpSchema,
  ServiceSchema,
  toServiceOpSpec,
} from '@conductor/schema/contracts/catalog';
import { ErrorCode } from '@conductor/sdk';
import { ApiError } from '../http/errors.ts';
import { errorResponses, jsonBody, bearerSecurity } from '../http/openapi.ts';
import { createRouter } from '../http/router.ts';
import { readCatalog, writeCatalog } from './access.ts';
import { catalogCsv, FormatQuerySchema } from './export.ts';
import { getOp, getService, listOps, listServices } from './queries.ts';
import { putService, putServiceOp, toService, toServiceOp } from './service.ts';
import { backtestRoutes } from './backtest-routes.ts';
import { whatIfRoutes } from './whatif-routes.ts';

const tags = ['catalog'];
const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

const crud = createRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/services',
      operationId: 'listCatalogServices',
      tags,
      security: bearerSecurity,
      summary: 'Catalog services',
      responses: { 200: json(z.object({ services: z.array(ServiceSchema) }), 'Services by name'), ...errorResponses(401, 403) },
    }),
    async (c) => {
      await readCatalog(c);
      return c.json({ services: (await listServices(c.var.deps.db)).map(toService) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/services/{name}',
      operationId: 'getCatalogService',
      tags,
      security: bearerSecurity,
      summary: 'One catalog service',
      request: { params: z.object({ name: EntityNameSchema }) },
      responses: { 200: json(ServiceSchema, 'Service'), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      await readCatalog(c);
      const { name } = c.req.valid('param');
      const row = await getService(c.var.deps.db, name);
      if (!row) throw new ApiError(404, ErrorCode.NOT_FOUND, `service "${name}" is not in the catalog`);
      return c.json(toService(row), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'put',
      path: '/services/{name}',
      operationId: 'upsertCatalogService',
      tags,
      security: bearerSecurity,
      summary: 'Create or replace a catalog service (admin.write + platform-admin)',
      description: 'Money fields are integer micro-dollars (digit strings or safe integers). Every `dependsOn` service must exist (400 UNKNOWN_SERVICE).',
      request: { params: z.object({ name: EntityNameSchema }), body: jsonBody(ServiceInputSchema) },
      responses: { 200: json(ServiceSchema, 'The service as stored'), ...errorResponses(400, 401, 403, 413) },
    }),
    async (c) => {
      await writeCatalog(c);
      const { name } = c.req.valid('param');
      const input = c.req.valid('json');
      const { service } = await c.var.deps.db.transaction((tx) => putService(tx, c.var.principal.sub, name, input));
      return c.json(service, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/ops',
      operationId: 'listCatalogOps',
      tags,
      security: bearerSecurity,
      summary: 'Catalog operations (ServiceOp), optionally of one service',
      request: { query: z.object({ service: EntityNameSchema.optional() }) },
      responses: { 200: json(z.object({ ops: z.array(ServiceOpSchema) }), 'Ops by service and id'), ...errorResponses(400, 401, 403) },
    }),
    async (c) => {
      await readCatalog(c);
      return c.json({ ops: (await listOps(c.var.deps.db, c.req.valid('query').service)).map(toServiceOp) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/ops/{id}',
      operationId: 'getCatalogOp',
      tags,
      security: bearerSecurity,
      summary: 'One catalog operation',
      request: { params: z.object({ id: EntityNameSchema }) },
      responses: { 200: json(ServiceOpSchema, 'ServiceOp'), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      await readCatalog(c);
      const { id } = c.req.valid('param');
      const row = await getOp(c.var.deps.db, id);
      if (!row) throw new ApiError(404, ErrorCode.NOT_FOUND, `op "${id}" is not in the catalog`);
      return c.json(toServiceOp(row), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'put',
      path: '/ops/{id}',
      operationId: 'upsertCatalogOp',
      tags,
      security: bearerSecurity,
      summary: 'Create or replace a catalog operation (admin.write + platform-admin)',
      description:
        'Unit cost as exactly one of `unitCostMicros` (integer micro-dollars) or `unitCostUSD` (exact decimal string, ≤ 6 decimals); ' +
        'SLO objective as `objectivePpm` or `objective` ("99.9%" / "0.999"). The service must exist (400 UNKNOWN_SERVICE) and a linked ' +
        '`safelistedOperation` must be in the safelist (400 UNKNOWN_OPERATION).',
      request: { params: z.object({ id: EntityNameSchema }), body: jsonBody(ServiceOpInputSchema) },
      responses: { 200: json(ServiceOpSchema, 'The op as stored'), ...errorResponses(400, 401, 403, 413) },
    }),
    async (c) => {
      await writeCatalog(c);
      const spec = toServiceOpSpec(c.req.valid('param').id, c.req.valid('json'));
      const { op } = await c.var.deps.db.transaction((tx) => putServiceOp(tx, c.var.principal.sub, spec));
      return c.json(op, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/export',
      operationId: 'exportCatalog',
      tags,
      security: bearerSecurity,
      summary: 'The whole catalog as JSON ({services, ops}) or CSV (one row per op, with its service)',
      request: { query: FormatQuerySchema },
      responses: {
        200: {
          description: 'Catalog export',
          content: {
            'application/json': { schema: z.object({ services: z.array(ServiceSchema), ops: z.array(ServiceOpSchema) }) },
            'text/csv': { schema: z.string() },
          },
        },
        ...errorResponses(400, 401, 403),
      },
    }),
    async (c) => {
      await readCatalog(c);
      const { db } = c.var.deps;
      const services = (await listServices(db)).map(toService);
      const ops = (await listOps(db)).map(toServiceOp);
      if (c.req.valid('query').format === 'csv') {
        c.header('content-disposition', 'attachment; filename="catalog.csv"');
        return c.body(catalogCsv(services, ops), 200, { 'content-type': 'text/csv; charset=utf-8' });
      }
      return c.json({ services, ops }, 200);
    },
  );

/** /v1/catalog: services, ops, export, what-if and backtests. */
export const routes = createRouter().route('/', crud).route('/', whatIfRoutes).route('/', backtestRoutes);
