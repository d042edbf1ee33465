import { count, lt, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { alertNotifications } from '@conductor/schema/alerts';
import { edgeLatencyBuckets, edgeMetricBatches, edgeMetricMinutes, outboxBacklogReports, purgeFailureMinutes, purgeReceipts } from '@conductor/schema/metrics';
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

/**
 * What retention prunes, one table at a time (each its own statement, so a run can resume after
 * the tables already done): edge metrics by minute, batch ids by receipt, purge receipts by
 * application time, the alert notifications (history of the same signals) and origin outbox
 * reports by receipt. Admin purge history (purge_events) is the cache domain's and is kept.
 */
export const PRUNED_TABLES = [
  { key: 'buckets', table: edgeLatencyBuckets, column: edgeLatencyBuckets.minute },
  { key: 'minutes', table: edgeMetricMinutes, column: edgeMetricMinutes.minute },
  { key: 'batches', table: edgeMetricBatches, column: edgeMetricBatches.receivedAt },
  { key: 'receipts', table: purgeReceipts, column: purgeReceipts.appliedAt },
  { key: 'failures', table: purgeFailureMinutes, column: purgeFailureMinutes.minute },
  { key: 'alertNotifications', table: alertNotifications, column: alertNotifications.at },
  { key: 'outboxReports', table: outboxBacklogReports, column: outboxBacklogReports.receivedAt },
] as const;

export type PruneCounts = Record<(typeof PRUNED_TABLES)[number]['key'], number>;

/** Deletes rows of `table` whose `column` is before `before`; answers how many, without shipping them back. */
export async function deleteBefore(db: Db, table: PgTable, column: PgColumn, before: Date): Promise<number> {
  const deleted = db.$with('deleted').as(db.delete(table).where(lt(column, before)).returning({ one: sql<number>`1`.as('one') }));
  const [row] = await db.with(deleted).select({ n: count() }).from(deleted);
  return row?.n ?? 0;
}
