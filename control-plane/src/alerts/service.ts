import type { Db } from '../db/client.ts';
import { failedPurgeEventsSince, purgeFailuresSince, statusTotals, unacknowledgedByTenant, type TenantScope } from '../reports/queries.ts';
import { EDGE_SERVED } from '../reports/figures.ts';
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
  for (const r of [...(await purgeFailuresSince(db, scope, failuresSince)), ...(await failedPurgeEventsSince(db, scope, failuresSince))]) {
    failures.set(r.tenantId, (failures.get(r.tenantId) ?? 0) + r.failures);
  }

  // Whole minutes only: the current minute is still being flushed by the edge.
  const drop = rules.hitRatioDrop;
  const end = Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS;
  const current = { from: new Date(end - drop.windowMinutes * MINUTE_MS), to: new Date(end) };
  const baseline = { from: new Date(current.from.getTime() - drop.baselineMinutes * MINUTE_MS), to: current.from };
  const ratios = new Map<string, AlertInput['hitRatios'][number]>();
  for (const [which, window] of [['current', current], ['baseline', baseline]] as const) {
    for (const row of await statusTotals(db, { scope, window })) {
      const operation = row.opName || row.opId;
      const key = `${row.tenantId}\u0000${operation}`;
      const entry = ratios.get(key) ?? { tenant: row.tenantId, operation, current: { requests: 0, hits: 0 }, baseline: { requests: 0, hits: 0 } };
      entry[which].requests += row.requests;
      if (EDGE_SERVED.has(row.status)) entry[which].hits += row.requests;
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
