import { asc, eq, gte, sql } from 'drizzle-orm';
import type { OutboxTenantBacklog } from '@conductor/sdk';
import { outboxBacklogReports } from '@conductor/schema/metrics';
import type { Db } from '../db/client.ts';

export type BacklogReportRow = typeof outboxBacklogReports.$inferSelect;

/**
 * Stores a report as its source's latest, in one conditional upsert: only a report signed no
 * earlier than the stored one, and with another id, replaces it. Otherwise nothing is written and
 * the answer says why: the same report again (`replayed`) or an older one (`superseded`).
 */
export async function storeBacklogReport(db: Db, row: BacklogReportRow): Promise<'stored' | 'replayed' | 'superseded'> {
  const r = outboxBacklogReports;
  const stored = await db
    .insert(r)
    .values(row)
    .onConflictDoUpdate({
      target: r.source,
      set: { reportId: sql`excluded.report_id`, signedAt: sql`excluded.signed_at`, receivedAt: sql`excluded.received_at`, tenants: sql`excluded.tenants` },
      setWhere: sql`excluded.signed_at >= ${r.signedAt} and excluded.report_id <> ${r.reportId}`,
    })
    .returning({ source: r.source });
  if (stored.length === 1) return 'stored';
  const [current] = await db.select({ reportId: r.reportId }).from(r).where(eq(r.source, row.source));
  return current?.reportId === row.reportId ? 'replayed' : 'superseded';
}

export interface TenantOutboxBacklog extends OutboxTenantBacklog {
  source: string;
  /** When the control plane received the report the figures come from. */
  receivedAt: Date;
}

/** Every tenant line of the reports received since `since` (older reports are stale: their origin stopped reporting). */
export async function outboxBacklogSince(db: Db, since: Date): Promise<TenantOutboxBacklog[]> {
  const r = outboxBacklogReports;
  const rows = await db.select().from(r).where(gte(r.receivedAt, since)).orderBy(asc(r.source));
  return rows.flatMap((row) => row.tenants.map((t) => ({ ...t, source: row.source, receivedAt: row.receivedAt })));
}
