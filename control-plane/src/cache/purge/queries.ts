import { desc, eq, sql } from 'drizzle-orm';
import { purgeEvents } from '@conductor/schema/cache';
import type { Db } from '../../db/client.ts';

export type PurgeEventRow = typeof purgeEvents.$inferSelect;
export type NewPurgeEventRow = typeof purgeEvents.$inferInsert;

export async function getPurgeEvent(db: Db, purgeId: string): Promise<PurgeEventRow | undefined> {
  const [row] = await db.select().from(purgeEvents).where(eq(purgeEvents.purgeId, purgeId));
  return row;
}

/**
 * One row per purge id, holding its best outcome: a retry that succeeds replaces an earlier
 * failure, while a later failure or duplicate never overwrites an applied purge, and an id
 * never moves to another tenant.
 */
export async function savePurgeEvent(db: Db, row: NewPurgeEventRow): Promise<void> {
  await db
    .insert(purgeEvents)
    .values(row)
    .onConflictDoUpdate({
      target: purgeEvents.purgeId,
      set: { receipt: row.receipt ?? null, status: row.status, error: row.error ?? null, actor: row.actor, createdAt: sql`now()` },
      setWhere: sql`${purgeEvents.status} = 'failed' and ${purgeEvents.tenantId} = excluded.tenant_id`,
    });
}

export function listPurgeEvents(db: Db, tenantId: string, limit: number): Promise<PurgeEventRow[]> {
  return db
    .select()
    .from(purgeEvents)
    .where(eq(purgeEvents.tenantId, tenantId))
    .orderBy(desc(purgeEvents.createdAt), desc(purgeEvents.purgeId))
    .limit(limit);
}
