import { createRoute, z } from '@hono/zod-openapi';
import { TenantIdSchema } from '@conductor/schema/contracts/auth';
import { bearerSecurity, errorResponses } from '../http/openapi.ts';
import { createRouter } from '../http/router.ts';
import { tenantScope } from '../reports/scope.ts';
import { DEFAULT_RULES } from './rules.ts';
import { currentAlerts } from './service.ts';

const AlertSchema = z
  .object({
    alertname: z.string(),
    state: z.enum(['pending', 'firing']),
    severity: z.enum(['warning', 'critical']),
    labels: z.object({ tenant: z.string(), operation: z.string().optional() }),
    values: z.record(z.string(), z.number()),
    thresholds: z.record(z.string(), z.number()),
    summary: z.string(),
  })
  .openapi('Alert');

export const routes = createRouter().openapi(
  createRoute({
    method: 'get',
    path: '/',
    operationId: 'listAlerts',
    tags: ['alerts'],
    security: bearerSecurity,
    summary: 'Firing and pending alerts (invalidation backlog, purge failures, hit-ratio drop) with values and thresholds',
    description: 'Evaluated on request over the stored metrics; rules and their PromQL equivalents in docs/reports.md.',
    request: { query: z.object({ tenant: TenantIdSchema.optional() }) },
    responses: {
      200: {
        description: 'Alerts, firing first',
        content: { 'application/json': { schema: z.object({ evaluatedAt: z.string(), rules: z.record(z.string(), z.record(z.string(), z.number())), alerts: z.array(AlertSchema) }) } },
      },
      ...errorResponses(400, 401, 403),
    },
  }),
  async (c) => {
    const { tenant } = c.req.valid('query');
    const scope = await tenantScope(c, tenant);
    const now = new Date();
    return c.json({ evaluatedAt: now.toISOString(), rules: { ...DEFAULT_RULES }, alerts: await currentAlerts(c.var.deps.db, scope, now) }, 200);
  },
);
