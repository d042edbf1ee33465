import { and, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import { edgeMetricMinutes, purgeReceipts } from '@conductor/schema/metrics';
import { safelistedOperations } from '@conductor/schema/cache';
import type { Db } from '../../db/client.ts';
import type { ReceiptRow, TrafficRow } from './aggregate.ts';

// Hit = served from cache: fresh, stale (within the stale window) or joined onto an in-flight fill.
const HIT_STATUSES = ['HIT', 'STALE', 'COALESCED'] as const;

/**
 * Cacheable traffic of some operation ids per (operation id, tenant) in [from, to): BYPASS is left out (caching off,
 * unsafelisted), so requests = HIT + STALE + COALESCED + MISS. Sums are cast because PostgreSQL's
 * sum(bigint) is numeric, which the drivers hand back as strings.
 */
export async function getTraffic(db: Db, opIds: string[], from: Date, to: Date): Promise<TrafficRow[]> {
  if (opIds.length === 0) return [];
  return db
    .select({
      opId: edgeMetricMinutes.opId,
      tenantId: edgeMetricMinutes.tenantId,
      hits: sql<number>`coalesce(sum(${edgeMetricMinutes.requests}) filter (where ${inArray(edgeMetricMinutes.status, [...HIT_STATUSES])}), 0)::float8`.mapWith(Number),
      requests: sql<number>`coalesce(sum(${edgeMetricMinutes.requests}), 0)::float8`.mapWith(Number),
    })
    .from(edgeMetricMinutes)
    .where(
      and(
        inArray(edgeMetricMinutes.opId, opIds),
        gte(edgeMetricMinutes.minute, from),
        lt(edgeMetricMinutes.minute, to),
        sql`${edgeMetricMinutes.status} <> 'BYPASS'`,
      ),
    )
    .groupBy(edgeMetricMinutes.opId, edgeMetricMinutes.tenantId);
}

/** Invalidations applied in [from, to); a duplicate receipt bumped nothing, so it is left out. */
export function getReceipts(db: Db, from: Date, to: Date): Promise<ReceiptRow[]> {
  return db
    .select({ tenantId: purgeReceipts.tenantId, tags: purgeReceipts.tags, appliedAt: purgeReceipts.appliedAt })
    .from(purgeReceipts)
    .where(and(gte(purgeReceipts.appliedAt, from), lt(purgeReceipts.appliedAt, to), eq(purgeReceipts.duplicate, false)));
}

/** Sets the TTL of every version of a name; returns the ids written. */
export async function setTtlByName(db: Db, name: string, ttlSeconds: number): Promise<string[]> {
  const rows = await db
    .update(safelistedOperations)
    .set({ ttlSeconds, updatedAt: new Date() })
    .where(eq(safelistedOperations.name, name))
    .returning({ id: safelistedOperations.id });
  return rows.map((r) => r.id).sort();
}
