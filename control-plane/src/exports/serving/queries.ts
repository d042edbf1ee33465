import { asc, gte, sql } from 'drizzle-orm';
import { exportServingMinutes, type ExportServingCounter } from '@conductor/schema/exports';
import type { Db } from '../../db/client.ts';
import type { ServingIncrements } from '../download/index.ts';

const MINUTE_MS = 60_000;

/** Adds one request's counts to its tenant's minute (one statement, so concurrent requests add up). */
export async function addServingCounts(db: Db, tenantId: string, at: Date, increments: ServingIncrements): Promise<void> {
  const minute = new Date(Math.floor(at.getTime() / MINUTE_MS) * MINUTE_MS);
  const rows = Object.entries(increments)
    .filter(([, value]) => value !== undefined && value > 0)
    .map(([counter, value]) => ({ minute, tenantId, counter: counter as ExportServingCounter, value: value! }));
  if (rows.length === 0) return;
  await db
    .insert(exportServingMinutes)
    .values(rows)
    .onConflictDoUpdate({
      target: [exportServingMinutes.minute, exportServingMinutes.tenantId, exportServingMinutes.counter],
      set: { value: sql`${exportServingMinutes.value} + excluded.value` },
    });
}

export interface ServingCount {
  tenantId: string;
  counter: ExportServingCounter;
  value: number;
}

/** Every counter per tenant since `since` (inclusive, by minute), or since the beginning. */
export function servingCounts(db: Db, since?: Date): Promise<ServingCount[]> {
  return db
    .select({
      tenantId: exportServingMinutes.tenantId,
      counter: exportServingMinutes.counter,
      value: sql<number>`sum(${exportServingMinutes.value})::float8`,
    })
    .from(exportServingMinutes)
    .where(since ? gte(exportServingMinutes.minute, since) : undefined)
    .groupBy(exportServingMinutes.tenantId, exportServingMinutes.counter)
    .orderBy(asc(exportServingMinutes.tenantId), asc(exportServingMinutes.counter));
}
