import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import {
  ChangeImpactQuerySchema,
  ChangeImpactReportSchema,
  HitRatioReportSchema,
  InvalidationsReportSchema,
  P95DeltaQuerySchema,
  P95DeltaReportSchema,
  SeriesQuerySchema,
  UnacknowledgedQuerySchema,
  UnacknowledgedReportSchema,
  type ReportFormat,
} from '@conductor/schema/contracts/reports';
import { readableTenants } from '../edge-metrics/access.ts';
import { opIdsNamed } from '../edge-metrics/traffic.ts';
import { checkStep, parseWindow, type Window } from '../edge-metrics/window.ts';
import { CSV_CONTENT_TYPE, toCsv } from '../formats/csv.ts';
import type { AppEnv } from '../http/env.ts';
import { errorResponses, bearerSecurity } from '../http/openapi.ts';
import { createRouter } from '../http/router.ts';
import {
  changeImpactCsv,
  changeImpactReport,
  hitRatioCsv,
  hitRatioReport,
  invalidationsCsv,
  invalidationsReport,
  p95DeltaCsv,
  p95DeltaReport,
  unacknowledgedCsv,
  unacknowledgedReport,
  type CsvTable,
} from './service.ts';

const tags = ['reports'];

/**
 * A 200 of JSON (a named component) or CSV. The contract's schema is rebuilt with this module's `z`
 * so it carries `.openapi()` whatever order the modules loaded in: zod schemas created before
 * @hono/zod-openapi extended zod do not gain the method.
 */
function ok(schema: z.ZodObject, name: string, description: string) {
  return {
    200: { description, content: { 'application/json': { schema: z.object(schema.shape).openapi(name) }, 'text/csv': { schema: z.string() } } },
    ...errorResponses(400, 401, 403),
  };
}

// ---- JSON or CSV -------------------------------------------------------------------------------

/** `?format=` wins; otherwise an Accept header that names text/csv (and not JSON first) gets CSV. */
function wantsCsv(c: Context<AppEnv>, requested: ReportFormat): boolean {
  if (requested !== undefined) return requested === 'csv';
  const accept = (c.req.header('accept') ?? '').toLowerCase();
  const csvAt = accept.indexOf('text/csv');
  const jsonAt = accept.indexOf('application/json');
  return csvAt >= 0 && (jsonAt < 0 || csvAt < jsonAt);
}

function reply<T extends object>(c: Context<AppEnv>, requested: ReportFormat, name: string, report: T, csv: (report: T) => CsvTable): Response {
  c.header('vary', 'accept');
  if (!wantsCsv(c, requested)) return c.json(report, 200);
  const table = csv(report);
  c.header('content-type', CSV_CONTENT_TYPE);
  c.header('content-disposition', `attachment; filename="${name}.csv"`);
  return c.body(toCsv(table.columns, table.rows), 200);
}

// The window bounds the name lookup in the metrics (a range scan of their minute-leading key).
async function opIdsFor(c: Context<AppEnv>, opParam: string | undefined, window: Window): Promise<string[] | undefined> {
  return opParam === undefined ? undefined : opIdsNamed(c.var.deps.db, opParam, window);
}

// ---- routes ------------------------------------------------------------------------------------

export const routes = createRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/p95-delta',
      operationId: 'getP95DeltaReport',
      tags,
      security: bearerSecurity,
      summary: 'Per tenant and operation: requests, hit ratio, edge-served / origin / served p50·p95·p99 and the p95 delta',
      description: 'Definitions in docs/reports.md. Quantiles come from the log-bucketed histograms merged over the window (±1% relative).',
      request: { query: P95DeltaQuerySchema },
      responses: ok(P95DeltaReportSchema, 'P95DeltaReport', 'Figures per (tenant, operation id)'),
    }),
    async (c) => {
      const q = c.req.valid('query');
      const window = parseWindow(q, new Date());
      const scope = await readableTenants(c, q.tenant);
      const report = await p95DeltaReport(c.var.deps.db, scope, window, await opIdsFor(c, q.op, window));
      return reply(c, q.format, 'p95-delta', report, p95DeltaCsv);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/hit-ratio',
      operationId: 'getHitRatioReport',
      tags,
      security: bearerSecurity,
      summary: 'Hit ratio per tenant and operation, one point per step (for charts)',
      description: 'Only steps with traffic have points.',
      request: { query: SeriesQuerySchema },
      responses: ok(HitRatioReportSchema, 'HitRatioReport', 'Series per (tenant, operation id)'),
    }),
    async (c) => {
      const q = c.req.valid('query');
      const window = parseWindow(q, new Date());
      checkStep(window, q.step);
      const scope = await readableTenants(c, q.tenant);
      const report = await hitRatioReport(c.var.deps.db, scope, window, q.step, await opIdsFor(c, q.op, window));
      return reply(c, q.format, 'hit-ratio', report, hitRatioCsv);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/invalidations',
      operationId: 'getInvalidationsReport',
      tags,
      security: bearerSecurity,
      summary: 'Invalidations the edge applied, per step: per tenant, and per operation from the receipt tags (`*` = tenant-wide)',
      request: { query: SeriesQuerySchema },
      responses: ok(InvalidationsReportSchema, 'InvalidationsReport', 'Counts per tenant and per operation'),
    }),
    async (c) => {
      const q = c.req.valid('query');
      const window = parseWindow(q, new Date());
      checkStep(window, q.step);
      const scope = await readableTenants(c, q.tenant);
      const report = await invalidationsReport(c.var.deps.db, scope, window, q.step, await opIdsFor(c, q.op, window));
      return reply(c, q.format, 'invalidations', report, invalidationsCsv);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/change-impact',
      operationId: 'getChangeImpactReport',
      tags,
      security: bearerSecurity,
      summary: "An operation's figures in equal windows before and after a safelist/TTL/caching change",
      description:
        'Without `at`, the latest audit-log change of the operation (safelist create/update/delete, manifest publish, caching switch). ' +
        '`at` is floored to its minute, which counts as after; both windows shrink to the whole minutes elapsed since.',
      request: { query: ChangeImpactQuerySchema },
      responses: { ...ok(ChangeImpactReportSchema, 'ChangeImpactReport', 'Before, after and the difference'), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const scope = await readableTenants(c, q.tenant);
      const report = await changeImpactReport(c.var.deps.db, scope, { op: q.op, at: q.at, windowMinutes: q.windowMinutes, now: new Date() });
      return reply(c, q.format, 'change-impact', report, changeImpactCsv);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/unacknowledged-purges',
      operationId: 'getUnacknowledgedPurgesReport',
      tags,
      security: bearerSecurity,
      summary: 'Admin purges the edge has not acknowledged after a grace period, and failed ones',
      request: { query: UnacknowledgedQuerySchema },
      responses: ok(UnacknowledgedReportSchema, 'UnacknowledgedPurgesReport', 'Oldest first'),
    }),
    async (c) => {
      const q = c.req.valid('query');
      const scope = await readableTenants(c, q.tenant);
      const now = new Date();
      const report = await unacknowledgedReport(c.var.deps.db, scope, { since: new Date(now.getTime() - q.sinceHours * 3_600_000), graceSeconds: q.graceSeconds, now, limit: q.limit });
      return reply(c, q.format, 'unacknowledged-purges', report, unacknowledgedCsv);
    },
  );
