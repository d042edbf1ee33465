import { createRoute, z } from '@hono/zod-openapi';
import { TenantIdSchema } from '@conductor/schema/contracts/auth';
import { CreateTenantSchema, TenantSchema, UpdateTenantSchema } from '@conductor/schema/contracts/tenants';
import { decide, PLATFORM } from '../auth/cedar.ts';
import { authorize } from '../auth/middleware.ts';
import { bearerSecurity, errorResponses, jsonBody } from '../http/openapi.ts';
import { createRouter } from '../http/router.ts';
import { listTenants } from './queries.ts';
import { changeTenant, createTenant, toTenant } from './service.ts';

const tenantParams = z.object({ id: TenantIdSchema });

export const routes = createRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/',
      operationId: 'listTenants',
      tags: ['tenants'],
      summary: 'Tenants the caller may read (every tenant for a platform admin)',
      security: bearerSecurity,
      responses: {
        200: { description: 'Tenants', content: { 'application/json': { schema: z.object({ tenants: z.array(TenantSchema) }) } } },
        ...errorResponses(401),
      },
    }),
    async (c) => {
      const principal = c.var.principal;
      // Cedar decides per tenant, so "platform admins see all" lives in the policy, not here.
      const rows = (await listTenants(c.var.deps.db)).filter((row) => decide(principal, 'read', { type: 'Tenant', id: row.id }));
      return c.json({ tenants: rows.map(toTenant) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/',
      operationId: 'createTenant',
      tags: ['tenants'],
      summary: 'Create a tenant (platform admins)',
      security: bearerSecurity,
      request: { body: jsonBody(CreateTenantSchema) },
      responses: {
        201: { description: 'Created', content: { 'application/json': { schema: TenantSchema } } },
        ...errorResponses(400, 401, 403, 409, 413),
      },
    }),
    async (c) => {
      await authorize(c, 'write', PLATFORM);
      const tenant = await createTenant(c.var.deps.db, c.var.principal.sub, c.req.valid('json'));
      return c.json(tenant, 201);
    },
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/{id}',
      operationId: 'updateTenant',
      tags: ['tenants'],
      summary: "Change a tenant's name or strict-safelist mode (admin.write in that tenant)",
      security: bearerSecurity,
      request: { params: tenantParams, body: jsonBody(UpdateTenantSchema) },
      responses: {
        200: { description: 'Updated', content: { 'application/json': { schema: TenantSchema } } },
        ...errorResponses(400, 401, 403, 404, 413),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      await authorize(c, 'write', { type: 'Tenant', id });
      const tenant = await changeTenant(c.var.deps.db, c.var.principal.sub, id, c.req.valid('json'));
      return c.json(tenant, 200);
    },
  );
