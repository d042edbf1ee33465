import { and, desc, eq, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import { auditLog } from '@conductor/schema/audit';
import { safelistedOperations } from '@conductor/schema/cache';
import type { Db } from '../db/client.ts';

/*
 * What reports read besides the edge metrics (control-plane/src/edge-metrics): safelist names and
 * the audit log, to find the change a change-impact report compares around.
 */

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
