import { createRoute, z } from '@hono/zod-openapi';
import { AlertNotificationsResponseSchema, AlertsResponseSchema } from '@conductor/schema/contracts/alerts';
import { TenantIdSchema } from '@conductor/schema/contracts/auth';
import { readableTenants } from '../edge-metrics/access.ts';
import { bearerSecurity, errorResponses } from '../http/openapi.ts';
import { createRouter } from '../http/router.ts';
import { listNotifications } from './queries.ts';
import { DEFAULT_RULES } from './rules.ts';
import { currentAlerts } from './service.ts';

const tags = ['alerts'];
const tenant = TenantIdSchema.optional().openapi({ description: 'one tenant (read access to it required); default: every tenant the caller may read' });
export const routes = createRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/',
      operationId: 'listAlerts',
      tags,
      security: bearerSecurity,
      summary: 'Firing and pending alerts (invalidation backlog, purge failures, hit-ratio drop) with values, thresholds and since when',
      description:
        'As of the last evaluation by the scheduler (every minute; `evaluatedAt`, null before the first). A rule whose condition holds is pending, ' +
        'and firing once it has held for the rule’s `for` (`forSeconds`). Rules and their PromQL equivalents in docs/reports.md.',
      request: { query: z.object({ tenant }) },
      responses: {
        200: {
          description: 'Alerts, firing first',
          content: { 'application/json': { schema: AlertsResponseSchema } },
        },
        ...errorResponses(400, 401, 403),
      },
    }),
    async (c) => {
      const scope = await readableTenants(c, c.req.valid('query').tenant);
      const { evaluatedAt, alerts } = await currentAlerts(c.var.deps.db, scope);
      return c.json(
        {
          evaluatedAt: evaluatedAt?.toISOString() ?? null,
          rules: { ...DEFAULT_RULES },
          alerts: alerts.map((a) => ({
            alertname: a.alertname,
            state: a.state,
            since: (a.state === 'firing' && a.firingSince ? a.firingSince : a.activeSince).toISOString(),
            activeSince: a.activeSince.toISOString(),
            firingSince: a.firingSince?.toISOString() ?? null,
            forSeconds: a.forSeconds,
            severity: a.severity,
            labels: a.labels,
            values: a.values,
            thresholds: a.thresholds,
            summary: a.summary,
          })),
        },
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/notifications',
      operationId: 'listAlertNotifications',
      tags,
      security: bearerSecurity,
      summary: 'Alert state changes, newest first: pending, firing, resolved',
      description: '`resolved.previousState` says whether the alert had fired. Kept for METRICS_RETENTION_DAYS. Page with `beforeId` (the last id seen).',
      request: {
        query: z.object({
          tenant,
          since: z.iso.datetime({ offset: true }).optional().openapi({ description: 'only changes at or after this instant' }),
          beforeId: z.coerce.number().int().min(1).optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
      },
      responses: {
        200: { description: 'Notifications', content: { 'application/json': { schema: AlertNotificationsResponseSchema } } },
        ...errorResponses(400, 401, 403),
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const scope = await readableTenants(c, q.tenant);
      const rows = await listNotifications(c.var.deps.db, scope, { since: q.since ? new Date(q.since) : undefined, beforeId: q.beforeId, limit: q.limit });
      return c.json(
        {
          notifications: rows.map((n) => ({
            id: n.id,
            at: n.at.toISOString(),
            alertname: n.alertname,
            state: n.state,
            previousState: n.previousState,
            severity: n.severity,
            labels: n.operation ? { tenant: n.tenantId, operation: n.operation } : { tenant: n.tenantId },
            values: n.values,
            summary: n.summary,
          })),
        },
        200,
      );
    },
  );
