import type {
  ChangeImpactReport,
  Figures,
  HitRatioReport,
  InvalidationsReport,
  P95DeltaReport,
  PeriodFigures,
  UnacknowledgedReport,
} from '@conductor/schema/contracts/reports';
import { ErrorCode } from '@conductor/sdk';
import type { Db } from '../db/client.ts';
import { figures } from '../edge-metrics/figures.ts';
import { invalidationsByOperation, invalidationsByTenant, unacknowledgedPurges } from '../edge-metrics/purges.ts';
import type { TenantScope } from '../edge-metrics/scope.ts';
import { latencyBuckets, opIdsNamed, requestsByStatus, trafficSeries } from '../edge-metrics/traffic.ts';
import type { Window } from '../edge-metrics/window.ts';
import type { CsvRow } from '../formats/csv.ts';
import { ApiError } from '../http/errors.ts';
import { latestOpChange, safelistNames } from './queries.ts';

/** A report as CSV: a header row of `columns`, then one line per row. */
export interface CsvTable {
  columns: readonly string[];
  rows: CsvRow[];
}

const iso = (d: Date) => d.toISOString();
const windowOf = (w: Window) => ({ from: iso(w.from), to: iso(w.to) });

// ---------------------------------------------------------------------------------------------
// p95-delta

/** Figures per (tenant, operation id) over a window; `opIds` undefined: every operation. */
export async function p95DeltaReport(db: Db, scope: TenantScope, window: Window, opIds?: string[]): Promise<P95DeltaReport> {
  const filter = { scope, window, opIds };
  const totals = await requestsByStatus(db, filter);
  const buckets = await latencyBuckets(db, filter);
  const groups = new Map<string, { tenant: string; opId: string; opName: string; totals: typeof totals; buckets: typeof buckets }>();
  const keyOf = (tenant: string, opId: string) => `${tenant}\u0000${opId}`;
  for (const t of totals) {
    const key = keyOf(t.tenantId, t.opId);
    const group = groups.get(key) ?? { tenant: t.tenantId, opId: t.opId, opName: t.opName, totals: [], buckets: [] };
    group.totals.push(t);
    if (t.opName > group.opName) group.opName = t.opName;
    groups.set(key, group);
  }
  for (const b of buckets) groups.get(keyOf(b.tenantId, b.opId))?.buckets.push(b);
  const rows = [...groups.values()].map((g) => ({ tenant: g.tenant, opId: g.opId, opName: g.opName, ...figures(g.totals, g.buckets) }));
  return { window: windowOf(window), rows };
}

export const FIGURE_COLUMNS = [
  'requests',
  'hit',
  'miss',
  'bypass',
  'stale',
  'coalesced',
  'hit_ratio',
  'edge_served_p50_ms',
  'edge_served_p95_ms',
  'edge_served_p99_ms',
  'origin_p50_ms',
  'origin_p95_ms',
  'origin_p99_ms',
  'served_p50_ms',
  'served_p95_ms',
  'served_p99_ms',
  'p95_delta_ms',
  'p95_delta_pct',
] as const;

function figureCells(f: Figures): Record<(typeof FIGURE_COLUMNS)[number], CsvRow[string]> {
  return {
    requests: f.requests,
    hit: f.statuses.HIT,
    miss: f.statuses.MISS,
    bypass: f.statuses.BYPASS,
    stale: f.statuses.STALE,
    coalesced: f.statuses.COALESCED,
    hit_ratio: f.hitRatio,
    edge_served_p50_ms: f.edgeServed.p50Ms,
    edge_served_p95_ms: f.edgeServed.p95Ms,
    edge_served_p99_ms: f.edgeServed.p99Ms,
    origin_p50_ms: f.origin.p50Ms,
    origin_p95_ms: f.origin.p95Ms,
    origin_p99_ms: f.origin.p99Ms,
    served_p50_ms: f.served.p50Ms,
    served_p95_ms: f.served.p95Ms,
    served_p99_ms: f.served.p99Ms,
    p95_delta_ms: f.p95DeltaMs,
    p95_delta_pct: f.p95DeltaPct,
  };
}

export function p95DeltaCsv(report: P95DeltaReport): CsvTable {
  return {
    columns: ['from', 'to', 'tenant', 'op_id', 'op_name', ...FIGURE_COLUMNS],
    rows: report.rows.map((r) => ({ ...report.window, tenant: r.tenant, op_id: r.opId, op_name: r.opName, ...figureCells(r) })),
  };
}

// ---------------------------------------------------------------------------------------------
// hit-ratio

export async function hitRatioReport(db: Db, scope: TenantScope, window: Window, stepMinutes: number, opIds?: string[]): Promise<HitRatioReport> {
  const rows = await trafficSeries(db, { scope, window, opIds }, stepMinutes);
  const series = new Map<string, HitRatioReport['series'][number]>();
  for (const r of rows) {
    const key = `${r.tenantId}\u0000${r.opId}`;
    const s = series.get(key) ?? { tenant: r.tenantId, opId: r.opId, opName: r.opName, points: [] };
    if (r.opName > s.opName) s.opName = r.opName;
    s.points.push({ at: iso(r.at), requests: r.requests, hits: r.edgeServed, hitRatio: r.requests === 0 ? null : r.edgeServed / r.requests });
    series.set(key, s);
  }
  return { window: windowOf(window), stepMinutes, series: [...series.values()] };
}

export function hitRatioCsv(report: HitRatioReport): CsvTable {
  return {
    columns: ['tenant', 'op_id', 'op_name', 'at', 'requests', 'hits', 'hit_ratio'],
    rows: report.series.flatMap((s) => s.points.map((p) => ({ tenant: s.tenant, op_id: s.opId, op_name: s.opName, at: p.at, requests: p.requests, hits: p.hits, hit_ratio: p.hitRatio }))),
  };
}

// ---------------------------------------------------------------------------------------------
// invalidations

export async function invalidationsReport(db: Db, scope: TenantScope, window: Window, stepMinutes: number, opIds?: string[]): Promise<InvalidationsReport> {
  const tenants = await invalidationsByTenant(db, scope, window, stepMinutes);
  const operations = await invalidationsByOperation(db, scope, window, stepMinutes);
  // A tenant-wide purge invalidates every operation, so it stays in an op-filtered report.
  const wanted = opIds ? new Set([...opIds, '*']) : undefined;
  return {
    window: windowOf(window),
    stepMinutes,
    tenants: tenants.map((r) => ({ tenant: r.tenantId, at: iso(r.at), purges: r.purges, duplicates: r.duplicates })),
    operations: operations.filter((r) => !wanted || wanted.has(r.opId)).map((r) => ({ tenant: r.tenantId, opId: r.opId, at: iso(r.at), purges: r.purges })),
  };
}

export function invalidationsCsv(report: InvalidationsReport): CsvTable {
  return {
    columns: ['scope', 'tenant', 'op_id', 'at', 'purges', 'duplicates'],
    rows: [
      ...report.tenants.map((r) => ({ scope: 'tenant', tenant: r.tenant, op_id: null, at: r.at, purges: r.purges, duplicates: r.duplicates })),
      ...report.operations.map((r) => ({ scope: 'operation', tenant: r.tenant, op_id: r.opId, at: r.at, purges: r.purges, duplicates: null })),
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// change-impact

const MINUTE_MS = 60_000;

const diff = (after: number | null, before: number | null) => (after === null || before === null ? null : after - before);

/**
 * Equal windows before and after a change of one operation. `at` is floored to its minute (that
 * minute counts as after), and both windows shrink to the whole minutes elapsed since `at` when
 * fewer than `windowMinutes` have passed.
 */
export async function changeImpactReport(db: Db, scope: TenantScope, input: { op: string; at?: string; windowMinutes: number; now: Date }): Promise<ChangeImpactReport> {
  const opIds = await opIdsNamed(db, input.op);
  let change: ChangeImpactReport['change'] = null;
  let at: Date;
  if (input.at !== undefined) {
    at = new Date(input.at);
  } else {
    const names = input.op.startsWith('sha256:') ? await safelistNames(db, opIds) : [input.op];
    const found = await latestOpChange(db, opIds, names, input.now);
    if (!found) throw new ApiError(404, ErrorCode.NOT_FOUND, `no safelist or caching change of operation ${input.op} in the audit log; pass at=`);
    change = { seq: found.seq, at: iso(found.at), action: found.action, target: found.target };
    at = found.at;
  }
  const start = Math.floor(at.getTime() / MINUTE_MS) * MINUTE_MS;
  const elapsedMinutes = Math.floor((input.now.getTime() - start) / MINUTE_MS);
  if (elapsedMinutes < 1) throw new ApiError(400, ErrorCode.VALIDATION_FAILED, `query.at: ${iso(at)} leaves no whole minute after it to compare (now ${iso(input.now)})`);
  const windowMinutes = Math.min(input.windowMinutes, elapsedMinutes);
  const before = { from: new Date(start - windowMinutes * MINUTE_MS), to: new Date(start) };
  const after = { from: new Date(start), to: new Date(start + windowMinutes * MINUTE_MS) };
  const period = async (w: Window): Promise<PeriodFigures> => {
    const filter = { scope, window: w, opIds };
    return { ...windowOf(w), ...figures(await requestsByStatus(db, filter), await latencyBuckets(db, filter)) };
  };
  const b = await period(before);
  const a = await period(after);
  return {
    op: input.op,
    opIds,
    at: iso(at),
    change,
    windowMinutes,
    before: b,
    after: a,
    delta: {
      requests: a.requests - b.requests,
      hitRatio: diff(a.hitRatio, b.hitRatio),
      servedP95Ms: diff(a.served.p95Ms, b.served.p95Ms),
      edgeServedP95Ms: diff(a.edgeServed.p95Ms, b.edgeServed.p95Ms),
      p95DeltaMs: diff(a.p95DeltaMs, b.p95DeltaMs),
    },
  };
}

export function changeImpactCsv(report: ChangeImpactReport): CsvTable {
  const row = (period: string, f: PeriodFigures) => ({ op: report.op, at: report.at, period, from: f.from, to: f.to, ...figureCells(f) });
  return { columns: ['op', 'at', 'period', 'from', 'to', ...FIGURE_COLUMNS], rows: [row('before', report.before), row('after', report.after)] };
}

// ---------------------------------------------------------------------------------------------
// unacknowledged-purges

export async function unacknowledgedReport(db: Db, scope: TenantScope, input: { since: Date; graceSeconds: number; now: Date; limit: number }): Promise<UnacknowledgedReport> {
  const rows = await unacknowledgedPurges(db, scope, input.since, new Date(input.now.getTime() - input.graceSeconds * 1000), input.limit);
  return {
    asOf: iso(input.now),
    since: iso(input.since),
    graceSeconds: input.graceSeconds,
    purges: rows.map((r) => ({
      purgeId: r.purgeId,
      tenant: r.tenantId,
      status: r.status,
      reason: r.status === 'failed' ? 'failed' : 'unacknowledged',
      error: r.error,
      createdAt: iso(r.createdAt),
      ageSeconds: Math.max(0, Math.floor((input.now.getTime() - r.createdAt.getTime()) / 1000)),
    })),
  };
}

export function unacknowledgedCsv(report: UnacknowledgedReport): CsvTable {
  return {
    columns: ['purge_id', 'tenant', 'status', 'reason', 'created_at', 'age_seconds', 'error'],
    rows: report.purges.map((p) => ({ purge_id: p.purgeId, tenant: p.tenant, status: p.status, reason: p.reason, created_at: p.createdAt, age_seconds: p.ageSeconds, error: p.error })),
  };
}
