import { isEdgeServed } from '@conductor/schema/contracts/edge-metrics';
import type { Db } from '../db/client.ts';
import { failedAdminPurgesSince, hookFailuresSince, unacknowledgedByTenant } from '../edge-metrics/purges.ts';
import type { TenantScope } from '../edge-metrics/scope.ts';
import { requestsByStatus } from '../edge-metrics/traffic.ts';
import { lastWholeMinutes, precedingWindow } from '../edge-metrics/window.ts';
import { evaluateAlerts, DEFAULT_RULES, type Alert, type AlertInput, type AlertRules } from './rules.ts';

const MINUTE_MS = 60_000;
/** Unacknowledged purges older than this are left to the report; receipts may be pruned by then. */
export const BACKLOG_LOOKBACK_MS = 24 * 3_600_000;

/** Reads what the rules need from the stored metrics and purge history. */
export async function alertInput(db: Db, scope: TenantScope, now: Date, rules: AlertRules = DEFAULT_RULES): Promise<AlertInput> {
  const graceBefore = new Date(now.getTime() - rules.invalidationBacklog.graceSeconds * 1000);
  const backlog = (await unacknowledgedByTenant(db, scope, new Date(now.getTime() - BACKLOG_LOOKBACK_MS), graceBefore)).map((r) => ({
    tenant: r.tenantId,
    count: r.count,
    oldestAgeSeconds: Math.max(0, Math.floor((now.getTime() - r.oldest.getTime()) / 1000)),
  }));

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
      const entry = ratios.get(key) ?? { tenant: row.tenantId, operation, current: { requests: 0, hits: 0 }, baseline: { requests: 0, hits: 0 } };
      entry[which].requests += row.requests;
      if (isEdgeServed(row.status)) entry[which].hits += row.requests;
      ratios.set(key, entry);
    }
  }

  return {
    backlog,
    purgeFailures: [...failures].map(([tenant, n]) => ({ tenant, failures: n })),
    hitRatios: [...ratios.values()],
  };
}

export async function currentAlerts(db: Db, scope: TenantScope, now: Date): Promise<Alert[]> {
  return evaluateAlerts(await alertInput(db, scope, now));
}
