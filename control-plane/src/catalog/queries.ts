import { and, asc, desc, eq, inArray, or, sql } from 'drizzle-orm';
import { catalogOps, catalogServices, whatifBacktests } from '@conductor/schema/catalog';
import { safelistedOperations } from '@conductor/schema/cache';
import type { Db } from '../db/client.ts';

export type ServiceRow = typeof catalogServices.$inferSelect;
export type NewServiceRow = typeof catalogServices.$inferInsert;
export type OpRow = typeof catalogOps.$inferSelect;
export type NewOpRow = typeof catalogOps.$inferInsert;
export type BacktestRow = typeof whatifBacktests.$inferSelect;

export function listServices(db: Db): Promise<ServiceRow[]> {
  return db.select().from(catalogServices).orderBy(asc(catalogServices.name));
}

export async function getService(db: Db, name: string): Promise<ServiceRow | undefined> {
  const [row] = await db.select().from(catalogServices).where(eq(catalogServices.name, name));
  return row;
}

export async function existingServiceNames(db: Db, names: string[]): Promise<Set<string>> {
  if (names.length === 0) return new Set();
  const rows = await db.select({ name: catalogServices.name }).from(catalogServices).where(inArray(catalogServices.name, names));
  return new Set(rows.map((r) => r.name));
}

export function listOps(db: Db, service?: string): Promise<OpRow[]> {
  const q = db.select().from(catalogOps);
  return (service ? q.where(eq(catalogOps.service, service)) : q).orderBy(asc(catalogOps.service), asc(catalogOps.id));
}

export async function getOp(db: Db, id: string): Promise<OpRow | undefined> {
  const [row] = await db.select().from(catalogOps).where(eq(catalogOps.id, id));
  return row;
}

/** Inserts or replaces a service; the row afterwards, and whether anything changed. */
export async function upsertServiceRow(db: Db, values: NewServiceRow): Promise<{ row: ServiceRow; changed: boolean }> {
  const { name: _name, createdAt: _c, updatedAt: _u, ...set } = values;
  const changed = await db
    .insert(catalogServices)
    .values(values)
    .onConflictDoUpdate({
      target: catalogServices.name,
      set: { ...set, updatedAt: sql`now()` },
      // A rerun with the same values must not touch the row (nor its audit trail).
      setWhere: sql`(${catalogServices.owner}, ${catalogServices.system}, ${catalogServices.lifecycle}, ${catalogServices.dependsOn},
        ${catalogServices.pricingModel}, ${catalogServices.instanceHourMicros}, ${catalogServices.instances}, ${catalogServices.perInstanceConcurrency},
        ${catalogServices.perRequestMicros}, ${catalogServices.gbSecondMicros}, ${catalogServices.memoryMb})
        is distinct from (excluded.owner, excluded.system, excluded.lifecycle, excluded.depends_on, excluded.pricing_model,
        excluded.instance_hour_micros, excluded.instances, excluded.per_instance_concurrency, excluded.per_request_micros,
        excluded.gb_second_micros, excluded.memory_mb)`,
    })
    .returning({ name: catalogServices.name });
  return { row: (await getService(db, values.name))!, changed: changed.length > 0 };
}

export async function upsertOpRow(db: Db, values: NewOpRow): Promise<{ row: OpRow; changed: boolean }> {
  const { id: _id, createdAt: _c, updatedAt: _u, ...set } = values;
  const changed = await db
    .insert(catalogOps)
    .values(values)
    .onConflictDoUpdate({
      target: catalogOps.id,
      set: { ...set, updatedAt: sql`now()` },
      setWhere: sql`(${catalogOps.name}, ${catalogOps.service}, ${catalogOps.p95TargetMs}, ${catalogOps.p99TargetMs}, ${catalogOps.unitCostMicros},
        ${catalogOps.sloObjectivePpm}, ${catalogOps.sloWindowDays}, ${catalogOps.safelistedOperation}, ${catalogOps.serviceTimeMeanMs},
        ${catalogOps.serviceTimeScv}, ${catalogOps.arrivalRatePerSecond})
        is distinct from (excluded.name, excluded.service, excluded.p95_target_ms, excluded.p99_target_ms, excluded.unit_cost_micros,
        excluded.slo_objective_ppm, excluded.slo_window_days, excluded.safelisted_operation, excluded.service_time_mean_ms,
        excluded.service_time_scv, excluded.arrival_rate_per_second)`,
    })
    .returning({ id: catalogOps.id });
  return { row: (await getOp(db, values.id))!, changed: changed.length > 0 };
}

/** Persisted document ids of every safelisted version of an operation name. */
export async function safelistedIdsByName(db: Db, name: string): Promise<string[]> {
  const rows = await db.select({ id: safelistedOperations.id }).from(safelistedOperations).where(eq(safelistedOperations.name, name)).orderBy(asc(safelistedOperations.id));
  return rows.map((r) => r.id);
}

export async function insertBacktestRows(db: Db, rows: (typeof whatifBacktests.$inferInsert)[]): Promise<void> {
  await db.insert(whatifBacktests).values(rows);
}

/** Every row of each op's newest report (by run time, then report id so the answer is stable). */
export async function latestBacktestRows(db: Db): Promise<BacktestRow[]> {
  const latest = db
    .selectDistinctOn([whatifBacktests.opId], { opId: whatifBacktests.opId, reportId: whatifBacktests.reportId })
    .from(whatifBacktests)
    .orderBy(asc(whatifBacktests.opId), desc(whatifBacktests.runAt), desc(whatifBacktests.reportId))
    .as('latest');
  const rows = await db
    .select({ row: whatifBacktests })
    .from(whatifBacktests)
    .innerJoin(latest, and(eq(latest.opId, whatifBacktests.opId), eq(latest.reportId, whatifBacktests.reportId)))
    .orderBy(asc(whatifBacktests.opId), asc(whatifBacktests.lambda), asc(whatifBacktests.level));
  return rows.map((r) => r.row);
}

/** Catalog op ids by id and by linked safelisted operation name, for resolving report rows. */
export async function opIdsByIdOrLinkedName(db: Db, keys: string[]): Promise<{ id: string; safelistedOperation: string | null }[]> {
  if (keys.length === 0) return [];
  return db
    .select({ id: catalogOps.id, safelistedOperation: catalogOps.safelistedOperation })
    .from(catalogOps)
    .where(or(inArray(catalogOps.id, keys), inArray(catalogOps.safelistedOperation, keys)));
}
