import { count, lt, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { edgeLatencyBuckets, edgeMetricBatches, edgeMetricMinutes, purgeFailureMinutes, purgeReceipts } from '@conductor/schema/metrics';
import type { Db } from '../db/client.ts';
import type { BucketRow, FailureRow, MinuteRow, ReceiptRow } from './aggregate.ts';

// Rows per INSERT: 7 parameters a bucket row stays far below PostgreSQL's 65 535 bind parameters.
const CHUNK = 1000;

function chunks<T>(rows: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += CHUNK) out.push(rows.slice(i, i + CHUNK));
  return out;
}

/** Claims a batch id; false when it was counted before (a retry). */
export async function claimBatch(db: Db, batchId: string): Promise<boolean> {
  const claimed = await db.insert(edgeMetricBatches).values({ batchId }).onConflictDoNothing().returning({ batchId: edgeMetricBatches.batchId });
  return claimed.length === 1;
}

/** Adds minute rows into what is stored: counts and sums add, the latest non-empty op name wins. */
export async function addMinutes(db: Db, rows: MinuteRow[]): Promise<void> {
  const t = edgeMetricMinutes;
  for (const part of chunks(rows)) {
    await db
      .insert(t)
      .values(part)
      .onConflictDoUpdate({
        target: [t.minute, t.tenantId, t.opId, t.status],
        set: {
          opName: sql`coalesce(nullif(excluded.op_name, ''), ${t.opName})`,
          requests: sql`${t.requests} + excluded.requests`,
          bytes: sql`${t.bytes} + excluded.bytes`,
          totalSumMs: sql`${t.totalSumMs} + excluded.total_sum_ms`,
          originCount: sql`${t.originCount} + excluded.origin_count`,
          originSumMs: sql`${t.originSumMs} + excluded.origin_sum_ms`,
        },
      });
  }
}

/** Histograms merge by adding bucket counts. */
export async function addBuckets(db: Db, rows: BucketRow[]): Promise<void> {
  const t = edgeLatencyBuckets;
  for (const part of chunks(rows)) {
    await db
      .insert(t)
      .values(part)
      .onConflictDoUpdate({
        target: [t.minute, t.tenantId, t.opId, t.status, t.series, t.bucket],
        set: { count: sql`${t.count} + excluded.count` },
      });
  }
}

/** The earliest application of a purge id wins; an id never moves to another tenant. */
export async function saveReceipts(db: Db, rows: ReceiptRow[]): Promise<void> {
  const t = purgeReceipts;
  for (const part of chunks(rows)) {
    await db
      .insert(t)
      .values(part)
      .onConflictDoUpdate({
        target: t.purgeId,
        set: { tags: sql`excluded.tags`, duplicate: sql`excluded.duplicate`, appliedAt: sql`excluded.applied_at` },
        setWhere: sql`excluded.applied_at < ${t.appliedAt} and excluded.tenant_id = ${t.tenantId}`,
      });
  }
}

export async function addFailures(db: Db, rows: FailureRow[]): Promise<void> {
  const t = purgeFailureMinutes;
  for (const part of chunks(rows)) {
    await db
      .insert(t)
      .values(part)
      .onConflictDoUpdate({ target: [t.minute, t.tenantId], set: { count: sql`${t.count} + excluded.count` } });
  }
}

export interface PruneCounts {
  minutes: number;
  buckets: number;
  batches: number;
  receipts: number;
  failures: number;
}

/** Deletes rows of `table` whose `column` is before `before`; answers how many, without shipping them back. */
async function deleteBefore(db: Db, table: PgTable, column: PgColumn, before: Date): Promise<number> {
  const deleted = db.$with('deleted').as(db.delete(table).where(lt(column, before)).returning({ one: sql<number>`1`.as('one') }));
  const [row] = await db.with(deleted).select({ n: count() }).from(deleted);
  return row?.n ?? 0;
}

/** Deletes everything older than `before` (metric minutes by their minute, receipts by application time). */
export async function deleteMetricsBefore(db: Db, before: Date): Promise<PruneCounts> {
  return {
    buckets: await deleteBefore(db, edgeLatencyBuckets, edgeLatencyBuckets.minute, before),
    minutes: await deleteBefore(db, edgeMetricMinutes, edgeMetricMinutes.minute, before),
    batches: await deleteBefore(db, edgeMetricBatches, edgeMetricBatches.receivedAt, before),
    receipts: await deleteBefore(db, purgeReceipts, purgeReceipts.appliedAt, before),
    failures: await deleteBefore(db, purgeFailureMinutes, purgeFailureMinutes.minute, before),
  };
}
