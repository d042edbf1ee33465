import { isEdgeServed } from '@conductor/schema/contracts/edge-metrics';
import type { Db } from '../db/client.ts';
import { failedAdminPurgesSince, hookFailuresSince, unacknowledgedByTenant } from '../edge-metrics/purges.ts';
import { ALL_TENANTS, inScope, type TenantScope } from '../edge-metrics/scope.ts';
import { requestsByStatus } from '../edge-metrics/traffic.ts';
import { lastWholeMinutes, precedingWindow } from '../edge-metrics/window.ts';
import { exportServingSince } from '../exports/metrics.ts';
import { outboxBacklogSince } from '../metrics/backlog-queries.ts';
import { getJob } from '../scheduler/queries.ts';
import { activeAlerts, rememberedAlerts, saveEvaluation } from './queries.ts';
import { advance, byUrgency, conditions, DEFAULT_RULES, type ActiveAlert, type AlertInput, type AlertRules, type BacklogInput } from './rules.ts';

const MINUTE_MS = 60_000;
/** Unacknowledged purges older than this are left to the report; receipts may be pruned by then. */
export const BACKLOG_LOOKBACK_MS = 24 * 3_600_000;
/** The scheduler job that evaluates the rules (job.ts); its last result says when. */
export const ALERT_EVALUATION_JOB = 'alerts.evaluate';

const ageSeconds = (now: Date, since: Date) => Math.max(0, Math.floor((now.getTime() - since.getTime()) / 1000));

/** Reads what the rules need: admin purges and outbox reports, purge failures, hit ratios. */
export async function alertInput(db: Db, scope: TenantScope, now: Date, rules: AlertRules = DEFAULT_RULES): Promise<AlertInput> {
  const grace = rules.invalidationBacklog;
  const backlog = new Map<string, BacklogInput>();
  const entry = (tenant: string) => {
    let b = backlog.get(tenant);
    if (!b) backlog.set(tenant, (b = { tenant, unacknowledged: 0, outboxPending: 0, outboxFailed: 0, oldestAgeSeconds: 0 }));
    return b;
  };
  const graceBefore = new Date(now.getTime() - grace.graceSeconds * 1000);
  for (const r of await unacknowledgedByTenant(db, scope, new Date(now.getTime() - BACKLOG_LOOKBACK_MS), graceBefore)) {
    const b = entry(r.tenantId);
    b.unacknowledged += r.count;
    b.oldestAgeSeconds = Math.max(b.oldestAgeSeconds, ageSeconds(now, r.oldest));
  }
  // An outbox report is a snapshot: its oldest purge has aged since the report was received.
  for (const r of await outboxBacklogSince(db, new Date(now.getTime() - grace.outboxStaleAfterSeconds * 1000))) {
    if (!inScope(scope, r.tenant)) continue;
    const oldest = r.pending > 0 ? r.oldestPendingAgeSeconds + ageSeconds(now, r.receivedAt) : 0;
    const stuck = oldest >= grace.graceSeconds ? r.pending : 0;
    if (stuck === 0 && r.failed === 0) continue;
    const b = entry(r.tenant);
    b.outboxPending += stuck;
    b.outboxFailed += r.failed;
    if (stuck > 0) b.oldestAgeSeconds = Math.max(b.oldestAgeSeconds, oldest);
  }

  const failuresSince = new Date(now.getTime() - rules.purgeFailures.windowMinutes * MINUTE_MS);
  const failures = new Map<string, number>();
  for (const r of [...(await hookFailuresSince(db, scope, failuresSince)), ...(await failedAdminPurgesSince(db, scope, failuresSince))]) {
    failures.set(r.tenantId, (failures.get(r.tenantId) ?? 0) + r.failures);
  }

  const drop = rules.hitRatioDrop;
  const current = lastWholeMinutes(now, drop.windowMinutes);
  const baseline = precedingWindow(current, drop.baselineMinutes);
  const ratios = new Map<string, AlertInput['hitRatios'][number]>();
  for (const [which, window] of [['current', current], ['baseline', baseline]] as const) {
    for (const row of await requestsByStatus(db, { scope, window })) {
      const operation = row.opName || row.opId;
      const key = `${row.tenantId}\u0000${operation}`;
      const e = ratios.get(key) ?? { tenant: row.tenantId, operation, current: { requests: 0, hits: 0 }, baseline: { requests: 0, hits: 0 } };
      e[which].requests += row.requests;
      if (isEdgeServed(row.status)) e[which].hits += row.requests;
      ratios.set(key, e);
    }
  }

  // Each export rule over its own window (the defaults share one, read once).
  const sinceMinutes = (minutes: number) => new Date(now.getTime() - minutes * MINUTE_MS);
  const corruptRows = await exportServingSince(db, sinceMinutes(rules.exportCorruptChunks.windowMinutes));
  const resumeRows =
    rules.exportResumeFailures.windowMinutes === rules.exportCorruptChunks.windowMinutes ? corruptRows : await exportServingSince(db, sinceMinutes(rules.exportResumeFailures.windowMinutes));
  const exports = new Map<string, AlertInput['exportServing'][number]>();
  const exportEntry = (tenant: string) => {
    let e = exports.get(tenant);
    if (!e) exports.set(tenant, (e = { tenant, resumes: 0, resumeFailures: 0, corruptRefusals: 0 }));
    return e;
  };
  for (const r of corruptRows) if (inScope(scope, r.tenant)) exportEntry(r.tenant).corruptRefusals = r.corruptRefusals;
  for (const r of resumeRows) {
    if (!inScope(scope, r.tenant)) continue;
    Object.assign(exportEntry(r.tenant), { resumes: r.resumes, resumeFailures: r.resumeFailures });
  }

  return {
    backlog: [...backlog.values()].sort((a, b) => a.tenant.localeCompare(b.tenant)),
    purgeFailures: [...failures].map(([tenant, n]) => ({ tenant, failures: n })).sort((a, b) => a.tenant.localeCompare(b.tenant)),
    hitRatios: [...ratios.values()],
    exportServing: [...exports.values()].sort((a, b) => a.tenant.localeCompare(b.tenant)),
  };
}

export interface EvaluationResult {
  evaluatedAt: string;
  firing: number;
  pending: number;
  /** State changes recorded as notifications. */
  transitions: number;
}

/**
 * One evaluation over every tenant: conditions now + the stored memory → the new memory and the
 * transitions, written in one transaction. Idempotent for a given `now`: run again, it finds its
 * own memory and records no new transition.
 */
export async function evaluateAlerts(db: Db, now: Date, rules: AlertRules = DEFAULT_RULES): Promise<EvaluationResult> {
  const holding = conditions(await alertInput(db, ALL_TENANTS, now, rules), rules);
  return db.transaction(async (tx) => {
    const { active, transitions } = advance(await rememberedAlerts(tx), holding, now);
    await saveEvaluation(tx, active, transitions);
    return {
      evaluatedAt: now.toISOString(),
      firing: active.filter((a) => a.state === 'firing').length,
      pending: active.filter((a) => a.state === 'pending').length,
      transitions: transitions.length,
    };
  });
}

/** The alerts of the last evaluation in scope, firing first, and when that evaluation ran (null before the first). */
export async function currentAlerts(db: Db, scope: TenantScope): Promise<{ evaluatedAt: Date | null; alerts: ActiveAlert[] }> {
  const job = await getJob(db, ALERT_EVALUATION_JOB);
  const evaluatedAt = (job?.lastResult as Partial<EvaluationResult> | null)?.evaluatedAt;
  return { evaluatedAt: evaluatedAt ? new Date(evaluatedAt) : null, alerts: (await activeAlerts(db, scope)).sort(byUrgency) };
}
