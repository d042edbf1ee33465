import { and, asc, desc, eq, gte, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { auditLog } from '@conductor/schema/audit';
import { purgeEvents, safelistedOperations } from '@conductor/schema/cache';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { CacheStatus } from '@conductor/schema/contracts/metrics';
import { edgeLatencyBuckets, edgeMetricMinutes, purgeFailureMinutes, purgeReceipts, type LatencySeries } from '@conductor/schema/metrics';
import type { Db } from '../db/client.ts';
import type { Window } from './window.ts';

/*
 * Read side of the edge metrics. Sums are cast to float8 so both drivers hand back JS numbers
 * (PostgreSQL's sum(bigint) is numeric, which drivers return as strings); float8 is exact far
 * beyond any count a report window can hold (2^53).
 */

/** Tenants a report may cover: every tenant, or the listed ones (decided by Cedar in reports/scope.ts). */
export type TenantScope = { all: true } | { all: false; tenants: string[] };

export interface MetricFilter {
  scope: TenantScope;
  window: Window;
  /** Restrict to these operation ids; undefined: every operation. */
  opIds?: string[];
}

function isEmpty(f: { scope: TenantScope; opIds?: string[] }): boolean {
  return (!f.scope.all && f.scope.tenants.length === 0) || (f.opIds !== undefined && f.opIds.length === 0);
}

function tenantCondition(column: AnyPgColumn, scope: TenantScope): SQL | undefined {
  return scope.all ? undefined : inArray(column, scope.tenants);
}

/** Epoch seconds of the start of the step a timestamp falls in; the step is a validated integer. */
function slotOf(column: AnyPgColumn, stepMinutes: number): SQL<number> {
  if (!Number.isInteger(stepMinutes) || stepMinutes < 1) throw new RangeError(`step must be a positive integer, got ${stepMinutes}`);
  // Inlined rather than bound: GROUP BY must repeat the select expression exactly, and two bind
  // parameters never compare equal to the planner.
  const step = sql.raw(String(stepMinutes * 60));
  return sql<number>`(floor(extract(epoch from ${column}) / ${step}) * ${step})::float8`;
}

export interface StatusTotalRow {
  tenantId: string;
  opId: string;
  opName: string;
  status: CacheStatus;
  requests: number;
  bytes: number;
  totalSumMs: number;
}

export async function statusTotals(db: Db, f: MetricFilter): Promise<StatusTotalRow[]> {
  if (isEmpty(f)) return [];
  const m = edgeMetricMinutes;
  return db
    .select({
      tenantId: m.tenantId,
      opId: m.opId,
      opName: sql<string>`max(${m.opName})`,
      status: m.status,
      requests: sql<number>`sum(${m.requests})::float8`,
      bytes: sql<number>`sum(${m.bytes})::float8`,
      totalSumMs: sql<number>`sum(${m.totalSumMs})::float8`,
    })
    .from(m)
    .where(and(gte(m.minute, f.window.from), lt(m.minute, f.window.to), tenantCondition(m.tenantId, f.scope), f.opIds ? inArray(m.opId, f.opIds) : undefined))
    .groupBy(m.tenantId, m.opId, m.status)
    .orderBy(asc(m.tenantId), asc(m.opId), asc(m.status));
}

export interface BucketCountRow {
  tenantId: string;
  opId: string;
  status: CacheStatus;
  series: LatencySeries;
  bucket: number;
  count: number;
}

/** Histogram buckets merged over the window: SUM … GROUP BY bucket, per tenant, operation and status. */
export async function bucketCounts(db: Db, f: MetricFilter): Promise<BucketCountRow[]> {
  if (isEmpty(f)) return [];
  const b = edgeLatencyBuckets;
  return db
    .select({ tenantId: b.tenantId, opId: b.opId, status: b.status, series: b.series, bucket: b.bucket, count: sql<number>`sum(${b.count})::float8` })
    .from(b)
    .where(and(gte(b.minute, f.window.from), lt(b.minute, f.window.to), tenantCondition(b.tenantId, f.scope), f.opIds ? inArray(b.opId, f.opIds) : undefined))
    .groupBy(b.tenantId, b.opId, b.status, b.series, b.bucket);
}

export interface HitRatioRow {
  tenantId: string;
  opId: string;
  opName: string;
  /** Epoch seconds of the step's start. */
  slot: number;
  requests: number;
  hits: number;
}

export async function hitRatioSeries(db: Db, f: MetricFilter, stepMinutes: number): Promise<HitRatioRow[]> {
  if (isEmpty(f)) return [];
  const m = edgeMetricMinutes;
  const slot = slotOf(m.minute, stepMinutes);
  return db
    .select({
      tenantId: m.tenantId,
      opId: m.opId,
      opName: sql<string>`max(${m.opName})`,
      slot,
      requests: sql<number>`sum(${m.requests})::float8`,
      hits: sql<number>`sum(case when ${m.status} in ('HIT', 'STALE', 'COALESCED') then ${m.requests} else 0 end)::float8`,
    })
    .from(m)
    .where(and(gte(m.minute, f.window.from), lt(m.minute, f.window.to), tenantCondition(m.tenantId, f.scope), f.opIds ? inArray(m.opId, f.opIds) : undefined))
    .groupBy(m.tenantId, m.opId, slot)
    .orderBy(asc(m.tenantId), asc(m.opId), asc(slot));
}

export interface TenantInvalidationRow {
  tenantId: string;
  slot: number;
  purges: number;
  duplicates: number;
}

/** Receipts per tenant and step by application time; duplicates (retries the edge recognised) apart. */
export async function tenantInvalidations(db: Db, scope: TenantScope, window: Window, stepMinutes: number): Promise<TenantInvalidationRow[]> {
  if (isEmpty({ scope })) return [];
  const r = purgeReceipts;
  const slot = slotOf(r.appliedAt, stepMinutes);
  return db
    .select({
      tenantId: r.tenantId,
      slot,
      purges: sql<number>`count(*) filter (where not ${r.duplicate})::float8`,
      duplicates: sql<number>`count(*) filter (where ${r.duplicate})::float8`,
    })
    .from(r)
    .where(and(gte(r.appliedAt, window.from), lt(r.appliedAt, window.to), tenantCondition(r.tenantId, scope)))
    .groupBy(r.tenantId, slot)
    .orderBy(asc(r.tenantId), asc(slot));
}

export interface OpInvalidationRow {
  tenantId: string;
  /** Operation id, or `*` for tenant-wide purges. */
  opId: string;
  slot: number;
  purges: number;
}

/**
 * Applied (non-duplicate) receipts per operation, from their tags: `op:<id>`, `op:<id>|…` and
 * `op:<id>#…` name one operation, `*` the whole tenant. A receipt bumping several tags of one
 * operation counts once for it.
 */
export async function opInvalidations(db: Db, scope: TenantScope, window: Window, stepMinutes: number): Promise<OpInvalidationRow[]> {
  if (isEmpty({ scope })) return [];
  const step = sql.raw(String(stepMinutes * 60));
  const tenants = scope.all ? sql`` : sql`and r.tenant_id in (${sql.join(scope.tenants.map((t) => sql`${t}`), sql`, `)})`;
  const result = await db.execute(sql`
    select r.tenant_id, coalesce(substring(tag.value from '^op:([^|#]+)'), '*') as op_id,
           (floor(extract(epoch from r.applied_at) / ${step}) * ${step})::float8 as slot,
           count(distinct r.purge_id)::float8 as purges
    from ${purgeReceipts} r cross join lateral jsonb_array_elements_text(r.tags) as tag(value)
    where r.applied_at >= ${window.from.toISOString()}::timestamptz and r.applied_at < ${window.to.toISOString()}::timestamptz
      and not r.duplicate and (tag.value = '*' or tag.value like 'op:%') ${tenants}
    group by 1, 2, 3
    order by 1, 2, 3`);
  // Both drivers answer execute() with a pg-style result whose `rows` are plain objects.
  const { rows } = result as unknown as { rows: { tenant_id: string; op_id: string; slot: number | string; purges: number | string }[] };
  return rows.map((row) => ({ tenantId: row.tenant_id, opId: row.op_id, slot: Number(row.slot), purges: Number(row.purges) }));
}

export interface FailureRow {
  tenantId: string;
  failures: number;
}

/** Purge-hook failures the edge reported per tenant since `since`. */
export async function purgeFailuresSince(db: Db, scope: TenantScope, since: Date): Promise<FailureRow[]> {
  if (isEmpty({ scope })) return [];
  const f = purgeFailureMinutes;
  return db
    .select({ tenantId: f.tenantId, failures: sql<number>`sum(${f.count})::float8` })
    .from(f)
    .where(and(gte(f.minute, since), tenantCondition(f.tenantId, scope)))
    .groupBy(f.tenantId)
    .orderBy(asc(f.tenantId));
}

export interface UnacknowledgedRow {
  purgeId: string;
  tenantId: string;
  status: 'applied' | 'duplicate' | 'failed';
  error: string | null;
  createdAt: Date;
}

/**
 * Admin purges created since `since` with no edge receipt: failed ones at once, the others once
 * they are older than `graceBefore` (the edge acknowledges with its next metrics flush).
 */
function unacknowledged(scope: TenantScope, since: Date, graceBefore: Date): SQL | undefined {
  const e = purgeEvents;
  return and(isNull(purgeReceipts.purgeId), gte(e.createdAt, since), or(eq(e.status, 'failed'), lt(e.createdAt, graceBefore)), tenantCondition(e.tenantId, scope));
}

export async function unacknowledgedPurges(db: Db, scope: TenantScope, since: Date, graceBefore: Date, limit: number): Promise<UnacknowledgedRow[]> {
  if (isEmpty({ scope })) return [];
  const e = purgeEvents;
  return db
    .select({ purgeId: e.purgeId, tenantId: e.tenantId, status: e.status, error: e.error, createdAt: e.createdAt })
    .from(e)
    .leftJoin(purgeReceipts, eq(purgeReceipts.purgeId, e.purgeId))
    .where(unacknowledged(scope, since, graceBefore))
    .orderBy(asc(e.createdAt), asc(e.purgeId))
    .limit(limit);
}

/** The same purges counted per tenant, with the oldest one's creation time. */
export async function unacknowledgedByTenant(db: Db, scope: TenantScope, since: Date, graceBefore: Date): Promise<{ tenantId: string; count: number; oldest: Date }[]> {
  if (isEmpty({ scope })) return [];
  const e = purgeEvents;
  const rows = await db
    .select({ tenantId: e.tenantId, count: sql<number>`count(*)::float8`, oldestEpoch: sql<number>`extract(epoch from min(${e.createdAt}))::float8` })
    .from(e)
    .leftJoin(purgeReceipts, eq(purgeReceipts.purgeId, e.purgeId))
    .where(unacknowledged(scope, since, graceBefore))
    .groupBy(e.tenantId)
    .orderBy(asc(e.tenantId));
  return rows.map((r) => ({ tenantId: r.tenantId, count: r.count, oldest: new Date(r.oldestEpoch * 1000) }));
}

/** Admin purges recorded as failed (edge unreachable or failing) since `since`, per tenant. */
export async function failedPurgeEventsSince(db: Db, scope: TenantScope, since: Date): Promise<FailureRow[]> {
  if (isEmpty({ scope })) return [];
  const e = purgeEvents;
  return db
    .select({ tenantId: e.tenantId, failures: sql<number>`count(*)::float8` })
    .from(e)
    .where(and(eq(e.status, 'failed'), gte(e.createdAt, since), tenantCondition(e.tenantId, scope)))
    .groupBy(e.tenantId)
    .orderBy(asc(e.tenantId));
}

/** Ids a report's `op` parameter stands for: itself if it is an id, else every id seen or safelisted under that name. */
export async function resolveOpIds(db: Db, op: string, window?: Window): Promise<string[]> {
  if (op.startsWith('sha256:')) return [op];
  const m = edgeMetricMinutes;
  const seen = await db
    .selectDistinct({ opId: m.opId })
    .from(m)
    .where(and(eq(m.opName, op), window ? gte(m.minute, window.from) : undefined, window ? lt(m.minute, window.to) : undefined));
  const safelisted = await db.select({ opId: safelistedOperations.id }).from(safelistedOperations).where(eq(safelistedOperations.name, op));
  return [...new Set([...seen, ...safelisted].map((r) => r.opId))].sort();
}

export async function safelistNames(db: Db, opIds: string[]): Promise<string[]> {
  if (opIds.length === 0) return [];
  const rows = await db.selectDistinct({ name: safelistedOperations.name }).from(safelistedOperations).where(inArray(safelistedOperations.id, opIds));
  return rows.map((r) => r.name);
}

export interface OpChangeRow {
  seq: number;
  at: Date;
  action: string;
  target: string;
}

/**
 * The latest audit entry that changed how an operation is cached: its safelist entries (create,
 * update — TTLs, stale windows, scope —, delete), a manifest publish that created or updated one
 * of its ids, or its per-operation caching switch.
 */
export async function latestOpChange(db: Db, opIds: string[], names: string[], atOrBefore: Date): Promise<OpChangeRow | undefined> {
  const a = auditLog;
  const matches: SQL[] = [];
  if (opIds.length > 0) matches.push(inArray(a.target, opIds.map((id) => `safelist:${id}`)));
  if (names.length > 0) matches.push(inArray(a.target, names.map((n) => `operation:${n}`)));
  for (const id of opIds) {
    matches.push(
      and(eq(a.action, 'safelist.publish'), or(sql`${a.payload}->'created' @> jsonb_build_array(${id}::text)`, sql`${a.payload}->'updated' @> jsonb_build_array(${id}::text)`))!,
    );
  }
  if (matches.length === 0) return undefined;
  const [row] = await db
    .select({ seq: a.seq, at: a.at, action: a.action, target: a.target })
    .from(a)
    .where(and(or(...matches), lt(a.at, new Date(atOrBefore.getTime() + 1))))
    .orderBy(desc(a.seq))
    .limit(1);
  return row;
}
