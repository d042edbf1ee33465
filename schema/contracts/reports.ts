import { z } from 'zod';
import { TenantIdSchema } from './auth.ts';
import { METRICS_WINDOW } from './edge-metrics.ts';

/*
 * GET /v1/reports/* (control-plane/src/reports): query parameters and JSON bodies. Figures are
 * defined in docs/reports.md §2; every report is also served as CSV (`?format=csv`).
 */

// ---- query parameters ------------------------------------------------------------------------

const InstantSchema = z.iso.datetime({ offset: true });

export const ReportFormatSchema = z.enum(['json', 'csv']).optional().describe('csv: text/csv with a header row (also chosen by `Accept: text/csv`)');
export type ReportFormat = z.infer<typeof ReportFormatSchema>;

const TenantFilter = TenantIdSchema.optional().describe('one tenant (read access to it required); default: every tenant the caller may read');
const OpFilter = z.string().min(1).max(200).optional().describe('operation name (every id under it) or `sha256:` id');

/** `from`/`to` of every windowed read over the edge metrics (reports, TTL tuning); limits in METRICS_WINDOW. */
export function windowQuery(defaultMinutes: number) {
  return {
    from: InstantSchema.optional().describe(`window start, ISO 8601 (default: ${defaultMinutes} minutes before \`to\`)`),
    to: InstantSchema.optional().describe(`window end, exclusive (default: now); at most ${METRICS_WINDOW.maxMinutes / 1440} days after \`from\``),
  };
}
const RecentWindowQuery = windowQuery(METRICS_WINDOW.recentMinutes);

const StepQuery = z.coerce
  .number()
  .int()
  .min(1)
  .max(METRICS_WINDOW.maxPoints)
  .default(1)
  .describe(`minutes per point (1–${METRICS_WINDOW.maxPoints}); at most ${METRICS_WINDOW.maxPoints} points per series`);

export const P95DeltaQuerySchema = z.object({ tenant: TenantFilter, op: OpFilter, ...RecentWindowQuery, format: ReportFormatSchema });
export const SeriesQuerySchema = z.object({ tenant: TenantFilter, op: OpFilter, ...RecentWindowQuery, step: StepQuery, format: ReportFormatSchema });

export const ChangeImpactQuerySchema = z.object({
  op: z.string().min(1).max(200).describe('operation name or `sha256:` id'),
  at: InstantSchema.optional(),
  windowMinutes: z.coerce.number().int().min(1).max(METRICS_WINDOW.maxMinutes / 2).default(METRICS_WINDOW.recentMinutes),
  tenant: TenantFilter,
  format: ReportFormatSchema,
});

export const UnacknowledgedQuerySchema = z.object({
  tenant: TenantFilter,
  graceSeconds: z.coerce.number().int().min(0).max(3600).default(120).describe('time the edge has to acknowledge (its metrics flush)'),
  sinceHours: z.coerce.number().int().min(1).max(METRICS_WINDOW.maxMinutes / 60).default(24),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  format: ReportFormatSchema,
});

// ---- response bodies ---------------------------------------------------------------------------

const Ms = z.number().nullable();

export const QuantilesSchema = z.object({ count: z.number(), p50Ms: Ms, p95Ms: Ms, p99Ms: Ms });
export type Quantiles = z.infer<typeof QuantilesSchema>;

/** The §2 figures of docs/reports.md, of one set of stored rows. */
export const FiguresSchema = z.object({
  requests: z.number(),
  statuses: z.object({ HIT: z.number(), MISS: z.number(), BYPASS: z.number(), STALE: z.number(), COALESCED: z.number() }),
  /** (HIT + STALE + COALESCED) / requests; null without requests. */
  hitRatio: z.number().nullable(),
  /** Total latency of edge-served requests (HIT, STALE, COALESCED). */
  edgeServed: QuantilesSchema,
  /** Origin fetch latency, whatever the status: what every request would cost without the cache. */
  origin: QuantilesSchema,
  /** Total latency of every request, as clients experienced it. */
  served: QuantilesSchema,
  /** origin.p95 − served.p95: milliseconds the cache takes off the 95th percentile. */
  p95DeltaMs: Ms,
  /** p95DeltaMs as a percentage of origin.p95. */
  p95DeltaPct: z.number().nullable(),
});
export type Figures = z.infer<typeof FiguresSchema>;

const ReportWindowSchema = z.object({ from: z.string(), to: z.string() });

export const OpFiguresSchema = FiguresSchema.extend({ tenant: z.string(), opId: z.string(), opName: z.string() });
export type OpFigures = z.infer<typeof OpFiguresSchema>;

export const P95DeltaReportSchema = z.object({ window: ReportWindowSchema, rows: z.array(OpFiguresSchema) });
export type P95DeltaReport = z.infer<typeof P95DeltaReportSchema>;

export const HitRatioReportSchema = z.object({
  window: ReportWindowSchema,
  stepMinutes: z.number(),
  series: z.array(
    z.object({
      tenant: z.string(),
      opId: z.string(),
      opName: z.string(),
      points: z.array(z.object({ at: z.string(), requests: z.number(), hits: z.number(), hitRatio: z.number().nullable() })),
    }),
  ),
});
export type HitRatioReport = z.infer<typeof HitRatioReportSchema>;

export const InvalidationsReportSchema = z.object({
  window: ReportWindowSchema,
  stepMinutes: z.number(),
  tenants: z.array(z.object({ tenant: z.string(), at: z.string(), purges: z.number(), duplicates: z.number() })),
  /** `opId` `*`: purges of the whole tenant (every operation). */
  operations: z.array(z.object({ tenant: z.string(), opId: z.string(), at: z.string(), purges: z.number() })),
});
export type InvalidationsReport = z.infer<typeof InvalidationsReportSchema>;

export const PeriodFiguresSchema = FiguresSchema.extend({ from: z.string(), to: z.string() });
export type PeriodFigures = z.infer<typeof PeriodFiguresSchema>;

export const ChangeImpactReportSchema = z.object({
  op: z.string(),
  opIds: z.array(z.string()),
  at: z.string(),
  /** The audit entry `at` came from; null when `at` was given. */
  change: z.object({ seq: z.number(), at: z.string(), action: z.string(), target: z.string() }).nullable(),
  windowMinutes: z.number(),
  before: PeriodFiguresSchema,
  after: PeriodFiguresSchema,
  /** after − before. */
  delta: z.object({ requests: z.number(), hitRatio: Ms, servedP95Ms: Ms, edgeServedP95Ms: Ms, p95DeltaMs: Ms }),
});
export type ChangeImpactReport = z.infer<typeof ChangeImpactReportSchema>;

export const UnacknowledgedPurgeSchema = z.object({
  purgeId: z.string(),
  tenant: z.string(),
  status: z.enum(['applied', 'duplicate', 'failed']),
  /** `failed`: the control plane could not get it applied; `unacknowledged`: no edge receipt after the grace period. */
  reason: z.enum(['failed', 'unacknowledged']),
  error: z.string().nullable(),
  createdAt: z.string(),
  ageSeconds: z.number(),
});
export type UnacknowledgedPurge = z.infer<typeof UnacknowledgedPurgeSchema>;

export const UnacknowledgedReportSchema = z.object({ asOf: z.string(), since: z.string(), graceSeconds: z.number(), purges: z.array(UnacknowledgedPurgeSchema) });
export type UnacknowledgedReport = z.infer<typeof UnacknowledgedReportSchema>;
