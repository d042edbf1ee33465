/*
 * Alert rules as data plus one pure evaluator (docs/reports.md lists the PromQL equivalents).
 * Stateless, unlike Prometheus' `for:`: "pending" means the condition is present but not yet
 * past the rule's firing threshold (a backlog not yet big or old enough, a hit-ratio drop seen on
 * too little traffic to be sure); "firing" means it is.
 */

export type AlertState = 'pending' | 'firing';
export type Severity = 'warning' | 'critical';

export interface Alert {
  alertname: string;
  state: AlertState;
  severity: Severity;
  labels: { tenant: string; operation?: string };
  /** Measured values the decision was taken on. */
  values: Record<string, number>;
  /** The limits they were compared with. */
  thresholds: Record<string, number>;
  summary: string;
}

export interface AlertRules {
  /** Purges without an edge receipt after the grace period (or failed), per tenant. */
  invalidationBacklog: { graceSeconds: number; firingCount: number; firingOldestAgeSeconds: number };
  /** Purge-hook failures the edge reported, plus admin purges that failed, in the last `windowMinutes`. */
  purgeFailures: { windowMinutes: number; firingAbove: number };
  /** Hit ratio of the last `windowMinutes` against the `baselineMinutes` before them, per tenant and operation. */
  hitRatioDrop: { windowMinutes: number; baselineMinutes: number; drop: number; minRequests: number };
}

export const DEFAULT_RULES: AlertRules = {
  invalidationBacklog: { graceSeconds: 120, firingCount: 10, firingOldestAgeSeconds: 600 },
  purgeFailures: { windowMinutes: 5, firingAbove: 0 },
  hitRatioDrop: { windowMinutes: 15, baselineMinutes: 60, drop: 0.2, minRequests: 100 },
};

export interface AlertInput {
  backlog: { tenant: string; count: number; oldestAgeSeconds: number }[];
  purgeFailures: { tenant: string; failures: number }[];
  hitRatios: { tenant: string; operation: string; current: { requests: number; hits: number }; baseline: { requests: number; hits: number } }[];
}

export function evaluateAlerts(input: AlertInput, rules: AlertRules = DEFAULT_RULES): Alert[] {
  const alerts: Alert[] = [];

  const backlog = rules.invalidationBacklog;
  for (const b of input.backlog) {
    if (b.count <= 0) continue;
    const firing = b.count >= backlog.firingCount || b.oldestAgeSeconds >= backlog.firingOldestAgeSeconds;
    alerts.push({
      alertname: 'ConductorInvalidationBacklog',
      state: firing ? 'firing' : 'pending',
      severity: 'critical',
      labels: { tenant: b.tenant },
      values: { count: b.count, oldestAgeSeconds: b.oldestAgeSeconds },
      thresholds: { count: backlog.firingCount, oldestAgeSeconds: backlog.firingOldestAgeSeconds },
      summary: `${b.count} purge(s) of ${b.tenant} unacknowledged by the edge, oldest ${b.oldestAgeSeconds}s`,
    });
  }

  const failures = rules.purgeFailures;
  for (const f of input.purgeFailures) {
    if (!(f.failures > failures.firingAbove)) continue;
    alerts.push({
      alertname: 'ConductorPurgeFailures',
      state: 'firing',
      severity: 'critical',
      labels: { tenant: f.tenant },
      values: { failures: f.failures },
      thresholds: { failures: failures.firingAbove },
      summary: `${f.failures} purge(s) of ${f.tenant} failed in the last ${failures.windowMinutes} minutes`,
    });
  }

  const drop = rules.hitRatioDrop;
  for (const h of input.hitRatios) {
    // Without a trustworthy baseline there is nothing to drop from.
    if (h.baseline.requests < drop.minRequests || h.current.requests === 0) continue;
    const baseline = h.baseline.hits / h.baseline.requests;
    const current = h.current.hits / h.current.requests;
    if (!(baseline - current >= drop.drop)) continue;
    alerts.push({
      alertname: 'ConductorHitRatioDrop',
      state: h.current.requests >= drop.minRequests ? 'firing' : 'pending',
      severity: 'warning',
      labels: { tenant: h.tenant, operation: h.operation },
      values: { hitRatio: current, baselineHitRatio: baseline, drop: baseline - current, requests: h.current.requests },
      thresholds: { drop: drop.drop, minRequests: drop.minRequests },
      summary: `hit ratio of ${h.operation} for ${h.tenant} fell from ${(baseline * 100).toFixed(1)}% to ${(current * 100).toFixed(1)}%`,
    });
  }

  const rank = (a: Alert) => (a.state === 'firing' ? 0 : 1);
  return alerts.sort((a, b) => rank(a) - rank(b) || a.alertname.localeCompare(b.alertname) || a.labels.tenant.localeCompare(b.labels.tenant) || (a.labels.operation ?? '').localeCompare(b.labels.operation ?? ''));
}
