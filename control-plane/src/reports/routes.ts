import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { TenantIdSchema } from '@conductor/schema/contracts/auth';
import type { AppEnv } from '../http/env.ts';
import { errorResponses, bearerSecurity } from '../http/openapi.ts';
import { createRouter } from '../http/router.ts';
import { CSV_CONTENT_TYPE, toCsv } from './csv.ts';
import { resolveOpIds } from './queries.ts';
import { tenantScope } from './scope.ts';
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
import { checkStep, MAX_WINDOW_MS, parseWindow, type Window } from './window.ts';

const tags = ['reports'];

// ---- query parameters --------------------------------------------------------------------------

const instant = z.iso.datetime({ offset: true });
const format = z.enum(['json', 'csv']).optional().openapi({ description: 'csv: text/csv with a header row (also chosen by `Accept: text/csv`)' });
const tenant = TenantIdSchema.optional().openapi({ description: 'one tenant (read access to it required); default: every tenant the caller may read' });
const op = z.string().min(1).max(200).optional().openapi({ description: 'operation name (every id under it) or `sha256:` id' });
const windowQuery = {
  from: instant.optional().openapi({ description: 'window start, ISO 8601 (default: an hour before `to`)' }),
  to: instant.optional().openapi({ description: 'window end, exclusive (default: now); at most 7 days after `from`' }),
};
const step = z.coerce.number().int().min(1).max(1440).default(1).openapi({ description: 'minutes per point (1–1440); at most 1440 points per series' });

// ---- response bodies ---------------------------------------------------------------------------

const ms = z.number().nullable();
const QuantilesSchema = z.object({ count: z.number(), p50Ms: ms, p95Ms: ms, p99Ms: ms });
const FiguresShape = {
  requests: z.number(),
  statuses: z.object({ HIT: z.number(), MISS: z.number(), BYPASS: z.number(), STALE: z.number(), COALESCED: z.number() }),
  hitRatio: z.number().nullable(),
  edgeServed: QuantilesSchema,
  origin: QuantilesSchema,
  served: QuantilesSchema,
  p95DeltaMs: ms,
  p95DeltaPct: z.number().nullable(),
};
const WindowSchema = z.object({ from: z.string(), to: z.string() });

const P95DeltaSchema = z
  .object({ window: WindowSchema, rows: z.array(z.object({ tenant: z.string(), opId: z.string(), opName: z.string(), ...FiguresShape })) })
  .openapi('P95DeltaReport');
const HitRatioSchema = z
  .object({
    window: WindowSchema,
    stepMinutes: z.number(),
    series: z.array(
      z.object({
        tenant: z.string(),
        opId: z.string(),
        opName: z.string(),
        points: z.array(z.object({ at: z.string(), requests: z.number(), hits: z.number(), hitRatio: z.number().nullable() })),
      }),
    ),
  })
  .openapi('HitRatioReport');
const InvalidationsSchema = z
  .object({
    window: WindowSchema,
    stepMinutes: z.number(),
    tenants: z.array(z.object({ tenant: z.string(), at: z.string(), purges: z.number(), duplicates: z.number() })),
    operations: z.array(z.object({ tenant: z.string(), opId: z.string(), at: z.string(), purges: z.number() })),
  })
  .openapi('InvalidationsReport');
const PeriodSchema = z.object({ from: z.string(), to: z.string(), ...FiguresShape });
const ChangeImpactSchema = z
  .object({
    op: z.string(),
    opIds: z.array(z.string()),
    at: z.string(),
    change: z.object({ seq: z.number(), at: z.string(), action: z.string(), target: z.string() }).nullable(),
    windowMinutes: z.number(),
    before: PeriodSchema,
    after: PeriodSchema,
    delta: z.object({ requests: z.number(), hitRatio: ms, servedP95Ms: ms, edgeServedP95Ms: ms, p95DeltaMs: ms }),
  })
  .openapi('ChangeImpactReport');
const UnacknowledgedSchema = z
  .object({
    asOf: z.string(),
    since: z.string(),
    graceSeconds: z.number(),
    purges: z.array(
      z.object({
        purgeId: z.string(),
        tenant: z.string(),
        status: z.enum(['applied', 'duplicate', 'failed']),
        reason: z.enum(['failed', 'unacknowledged']),
        error: z.string().nullable(),
        createdAt: z.string(),
        ageSeconds: z.number(),
      }),
    ),
  })
  .openapi('UnacknowledgedPurgesReport');

function ok(schema: z.ZodType, description: string) {
  return { 200: { description, content: { 'application/json': { schema }, 'text/csv': { schema: z.string() } } }, ...errorResponses(400, 401, 403) };
}

// ---- JSON or CSV -------------------------------------------------------------------------------

/** `?format=` wins; otherwise an Accept header that names text/csv (and not JSON first) gets CSV. */
function wantsCsv(c: Context<AppEnv>, requested: 'json' | 'csv' | undefined): boolean {
  if (requested !== undefined) return requested === 'csv';
  const accept = (c.req.header('accept') ?? '').toLowerCase();
  const csvAt = accept.indexOf('text/csv');
  const jsonAt = accept.indexOf('application/json');
  return csvAt >= 0 && (jsonAt < 0 || csvAt < jsonAt);
}

function reply<T extends object>(c: Context<AppEnv>, requested: 'json' | 'csv' | undefined, name: string, report: T, csv: (report: T) => CsvTable): Response {
  c.header('vary', 'accept');
  if (!wantsCsv(c, requested)) return c.json(report, 200);
  const table = csv(report);
  c.header('content-type', CSV_CONTENT_TYPE);
  c.header('content-disposition', `attachment; filename="${name}.csv"`);
  return c.body(toCsv(table.columns, table.rows), 200);
}

// The window bounds the name lookup in the metrics (a range scan of their minute-leading key).
async function opIdsFor(c: Context<AppEnv>, opParam: string | undefined, window: Window): Promise<string[] | undefined> {
  return opParam === undefined ? undefined : resolveOpIds(c.var.deps.db, opParam, window);
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
      request: { query: z.object({ tenant, op, ...windowQuery, format }) },
      responses: ok(P95DeltaSchema, 'Figures per (tenant, operation id)'),
    }),
    async (c) => {
      const q = c.req.valid('query');
      const window = parseWindow(q, new Date());
      const scope = await tenantScope(c, q.tenant);
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
      request: { query: z.object({ tenant, op, ...windowQuery, step, format }) },
      responses: ok(HitRatioSchema, 'Series per (tenant, operation id)'),
    }),
    async (c) => {
      const q = c.req.valid('query');
      const window = parseWindow(q, new Date());
      checkStep(window, q.step);
      const scope = await tenantScope(c, q.tenant);
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
      request: { query: z.object({ tenant, op, ...windowQuery, step, format }) },
      responses: ok(InvalidationsSchema, 'Counts per tenant and per operation'),
    }),
    async (c) => {
      const q = c.req.valid('query');
      const window = parseWindow(q, new Date());
      checkStep(window, q.step);
      const scope = await tenantScope(c, q.tenant);
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
      request: {
        query: z.object({
          op: z.string().min(1).max(200).openapi({ description: 'operation name or `sha256:` id' }),
          at: instant.optional(),
          windowMinutes: z.coerce.number().int().min(1).max(MAX_WINDOW_MS / 2 / 60_000).default(60),
          tenant,
          format,
        }),
      },
      responses: { ...ok(ChangeImpactSchema, 'Before, after and the difference'), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const scope = await tenantScope(c, q.tenant);
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
      request: {
        query: z.object({
          tenant,
          graceSeconds: z.coerce.number().int().min(0).max(3600).default(120).openapi({ description: 'time the edge has to acknowledge (its metrics flush)' }),
          sinceHours: z.coerce.number().int().min(1).max(MAX_WINDOW_MS / 3_600_000).default(24),
          limit: z.coerce.number().int().min(1).max(1000).default(200),
          format,
        }),
      },
      responses: ok(UnacknowledgedSchema, 'Oldest first'),
    }),
    async (c) => {
      const q = c.req.valid('query');
      const scope = await tenantScope(c, q.tenant);
      const now = new Date();
      const report = await unacknowledgedReport(c.var.deps.db, scope, { since: new Date(now.getTime() - q.sinceHours * 3_600_000), graceSeconds: q.graceSeconds, now, limit: q.limit });
      return reply(c, q.format, 'unacknowledged-purges', report, unacknowledgedCsv);
    },
  );
