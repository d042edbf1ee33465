import { and, asc, eq, gte, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { purgeEvents } from '@conductor/schema/cache';
import { purgeFailureMinutes, purgeReceipts } from '@conductor/schema/metrics';
import type { Db } from '../db/client.ts';
import { inWindow, slotOf, tenantCondition } from './sql.ts';
import { isEmptyScope, type TenantScope } from './scope.ts';
import type { Window } from './window.ts';

/*
 * Reads over what the edge reported about purges (purge_receipts, purge_failure_minutes), and
 * over admin purges (purge_events) joined with those receipts to find the ones never applied.
 */

export interface TenantInvalidationRow {
  tenantId: string;
  at: Date;
  purges: number;
  duplicates: number;
}

/** Receipts per tenant and step by application time; duplicates (retries the edge recognised) apart. */
export async function invalidationsByTenant(db: Db, scope: TenantScope, window: Window, stepMinutes: number): Promise<TenantInvalidationRow[]> {
  if (isEmptyScope(scope)) return [];
  const r = purgeReceipts;
  const slot = slotOf(r.appliedAt, stepMinutes);
  const rows = await db
    .select({
      tenantId: r.tenantId,
      slot,
      purges: sql<number>`count(*) filter (where not ${r.duplicate})::float8`,
      duplicates: sql<number>`count(*) filter (where ${r.duplicate})::float8`,
    })
    .from(r)
    .where(and(inWindow(r.appliedAt, window), tenantCondition(r.tenantId, scope)))
    .groupBy(r.tenantId, slot)
    .orderBy(asc(r.tenantId), asc(slot));
  return rows.map(({ slot: s, ...row }) => ({ ...row, at: new Date(s * 1000) }));
}

export interface OpInvalidationRow {
  tenantId: string;
  /** Operation id, or `*` for tenant-wide purges. */
  opId: string;
  at: Date;
  purges: number;
}

/**
 * Applied (non-duplicate) receipts per operation, from their tags: `op:<id>`, `op:<id>|…` and
 * `op:<id>#…` name one operation, `*` the whole tenant. A receipt bumping several tags of one
 * operation counts once for it.
 */
export async function invalidationsByOperation(db: Db, scope: TenantScope, window: Window, stepMinutes: number): Promise<OpInvalidationRow[]> {
  if (isEmptyScope(scope)) return [];
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
  return rows.map((row) => ({ tenantId: row.tenant_id, opId: row.op_id, at: new Date(Number(row.slot) * 1000), purges: Number(row.purges) }));
}

export interface ReceiptRow {
  tenantId: string;
  /** Tags bumped: `*`, `op:sha256:…`, `op:sha256:…|field=value`. */
  tags: string[];
  appliedAt: Date;
}

/** Invalidations applied in the window; a duplicate receipt bumped nothing, so it is left out. */
export async function appliedReceipts(db: Db, scope: TenantScope, window: Window): Promise<ReceiptRow[]> {
  if (isEmptyScope(scope)) return [];
  const r = purgeReceipts;
  return db
    .select({ tenantId: r.tenantId, tags: r.tags, appliedAt: r.appliedAt })
    .from(r)
    .where(and(inWindow(r.appliedAt, window), eq(r.duplicate, false), tenantCondition(r.tenantId, scope)))
    .orderBy(asc(r.appliedAt), asc(r.purgeId));
}

export interface FailureRow {
  tenantId: string;
  failures: number;
}

/** Purge-hook requests the edge refused or failed, per tenant, since `since`. */
export async function hookFailuresSince(db: Db, scope: TenantScope, since: Date): Promise<FailureRow[]> {
  if (isEmptyScope(scope)) return [];
  const f = purgeFailureMinutes;
  return db
    .select({ tenantId: f.tenantId, failures: sql<number>`sum(${f.count})::float8` })
    .from(f)
    .where(and(gte(f.minute, since), tenantCondition(f.tenantId, scope)))
    .groupBy(f.tenantId)
    .orderBy(asc(f.tenantId));
}

/** Admin purges recorded as failed (edge unreachable or failing) since `since`, per tenant. */
export async function failedAdminPurgesSince(db: Db, scope: TenantScope, since: Date): Promise<FailureRow[]> {
  if (isEmptyScope(scope)) return [];
  const e = purgeEvents;
  return db
    .select({ tenantId: e.tenantId, failures: sql<number>`count(*)::float8` })
    .from(e)
    .where(and(eq(e.status, 'failed'), gte(e.createdAt, since), tenantCondition(e.tenantId, scope)))
    .groupBy(e.tenantId)
    .orderBy(asc(e.tenantId));
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
  if (isEmptyScope(scope)) return [];
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
  if (isEmptyScope(scope)) return [];
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
