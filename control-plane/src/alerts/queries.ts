import { and, desc, gte, inArray, lt } from 'drizzle-orm';
import { alertNotifications, alertStates } from '@conductor/schema/alerts';
import type { Db } from '../db/client.ts';
import { isEmptyScope, type TenantScope } from '../edge-metrics/scope.ts';
import type { ActiveAlert, AlertLabels, Remembered, Severity, Transition } from './rules.ts';

type StateRow = typeof alertStates.$inferSelect;
export type NotificationRow = typeof alertNotifications.$inferSelect;

const labelsOf = (row: { tenantId: string; operation: string }): AlertLabels => (row.operation ? { tenant: row.tenantId, operation: row.operation } : { tenant: row.tenantId });

function toActive(row: StateRow): ActiveAlert {
  return {
    alertname: row.alertname,
    labels: labelsOf(row),
    state: row.state,
    activeSince: row.activeSince,
    firingSince: row.firingSince,
    evaluatedAt: row.evaluatedAt,
    severity: row.severity as Severity,
    values: row.values,
    thresholds: row.thresholds,
    summary: row.summary,
    forSeconds: row.forSeconds,
  };
}

/** The evaluator's memory: every alert active at the last evaluation. */
export async function rememberedAlerts(db: Db): Promise<Remembered[]> {
  return (await db.select().from(alertStates)).map(toActive);
}

export async function activeAlerts(db: Db, scope: TenantScope): Promise<ActiveAlert[]> {
  if (isEmptyScope(scope)) return [];
  const rows = await db
    .select()
    .from(alertStates)
    .where(scope.all ? undefined : inArray(alertStates.tenantId, [...scope.tenants]));
  return rows.map(toActive);
}

/** Replaces the memory with `active` and appends the transitions, in the caller's transaction. */
export async function saveEvaluation(db: Db, active: readonly ActiveAlert[], transitions: readonly Transition[]): Promise<void> {
  await db.delete(alertStates);
  if (active.length > 0) {
    await db.insert(alertStates).values(
      active.map((a) => ({
        alertname: a.alertname,
        tenantId: a.labels.tenant,
        operation: a.labels.operation ?? '',
        state: a.state,
        activeSince: a.activeSince,
        firingSince: a.firingSince,
        forSeconds: a.forSeconds,
        evaluatedAt: a.evaluatedAt,
        severity: a.severity,
        values: a.values,
        thresholds: a.thresholds,
        summary: a.summary,
      })),
    );
  }
  if (transitions.length > 0) {
    await db.insert(alertNotifications).values(
      transitions.map((t) => ({
        at: t.at,
        alertname: t.alertname,
        tenantId: t.labels.tenant,
        operation: t.labels.operation ?? '',
        state: t.state,
        previousState: t.previousState,
        severity: t.severity,
        values: t.values,
        summary: t.summary,
      })),
    );
  }
}

/** Notifications in scope, newest first: since an instant, and/or before an id (paging). */
export async function listNotifications(db: Db, scope: TenantScope, opts: { since?: Date; beforeId?: number; limit: number }): Promise<NotificationRow[]> {
  if (isEmptyScope(scope)) return [];
  const n = alertNotifications;
  return db
    .select()
    .from(n)
    .where(
      and(
        scope.all ? undefined : inArray(n.tenantId, [...scope.tenants]),
        opts.since ? gte(n.at, opts.since) : undefined,
        opts.beforeId !== undefined ? lt(n.id, opts.beforeId) : undefined,
      ),
    )
    .orderBy(desc(n.id))
    .limit(opts.limit);
}
