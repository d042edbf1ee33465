/*
 * Alert rules as data, a pure evaluator of their conditions, and the Prometheus-style `for:`
 * memory (docs/reports.md §5 lists the rules and their PromQL equivalents):
 *
 * - a rule's condition that holds makes the alert `pending` (or `firing` at once when `for` is 0);
 * - it becomes `firing` at the first evaluation after the condition has held for `forSeconds`;
 * - when the condition stops holding the alert is dropped and a `resolved` transition is produced.
 *
 * `advance` is the whole state machine; the evaluation job (evaluate.ts) stores its result.
 */

export type AlertState = 'pending' | 'firing';
export type Severity = 'warning' | 'critical';

export interface AlertLabels {
  tenant: string;
  operation?: string;
}

/** A rule's condition holding at one evaluation, before the memory is applied. */
export interface Condition {
  alertname: string;
  severity: Severity;
  labels: AlertLabels;
  /** Measured values the decision was taken on. */
  values: Record<string, number>;
  /** The limits they were compared with. */
  thresholds: Record<string, number>;
  summary: string;
  /** Seconds the condition must hold before the alert fires (Prometheus `for:`). */
  forSeconds: number;
}

/** What the evaluator remembers of an alert between evaluations (with the last values seen, for its resolution). */
export interface Remembered {
  alertname: string;
  labels: AlertLabels;
  state: AlertState;
  /** When the condition started holding. */
  activeSince: Date;
  firingSince: Date | null;
  severity: Severity;
  values: Record<string, number>;
  summary: string;
}

export interface ActiveAlert extends Condition, Remembered {
  evaluatedAt: Date;
}

/** A state change, recorded as a notification: `resolved` carries the state it left. */
export interface Transition {
  at: Date;
  alertname: string;
  labels: AlertLabels;
  state: AlertState | 'resolved';
  previousState: AlertState | null;
  severity: Severity;
  values: Record<string, number>;
  summary: string;
}

export interface AlertRules {
  /**
   * Purges not applied at the edge, per tenant: admin purges without an edge receipt after the
   * grace period (or failed), plus purges an origin outbox reports as waiting longer than the
   * grace period or refused for good, from reports younger than `outboxStaleAfterSeconds`.
   */
  invalidationBacklog: { graceSeconds: number; outboxStaleAfterSeconds: number; forSeconds: number };
  /** Purge-hook failures the edge reported, plus admin purges that failed, in the last `windowMinutes`. */
  purgeFailures: { windowMinutes: number; firingAbove: number; forSeconds: number };
  /** Hit ratio of the last `windowMinutes` against the `baselineMinutes` before them, per tenant and operation. */
  hitRatioDrop: { windowMinutes: number; baselineMinutes: number; drop: number; minRequests: number; forSeconds: number };
  /** Export requests refused because a stored chunk failed its manifest check, in the last `windowMinutes`. */
  exportCorruptChunks: { windowMinutes: number; firingAbove: number; forSeconds: number };
  /** Ranged export downloads not answered with their range (restarted, unsatisfiable, corrupt), in the last `windowMinutes`. */
  exportResumeFailures: { windowMinutes: number; firingAbove: number; forSeconds: number };
}

export const DEFAULT_RULES: AlertRules = {
  invalidationBacklog: { graceSeconds: 120, outboxStaleAfterSeconds: 600, forSeconds: 300 },
  purgeFailures: { windowMinutes: 5, firingAbove: 0, forSeconds: 0 },
  hitRatioDrop: { windowMinutes: 15, baselineMinutes: 60, drop: 0.2, minRequests: 100, forSeconds: 300 },
  // Damage in storage is never expected: one refusal fires.
  exportCorruptChunks: { windowMinutes: 15, firingAbove: 0, forSeconds: 0 },
  // One client with a stale partial copy restarts for good reason; several in a quarter hour is a pattern.
  exportResumeFailures: { windowMinutes: 15, firingAbove: 2, forSeconds: 0 },
};

export interface BacklogInput {
  tenant: string;
  /** Admin purges without an edge receipt after the grace period, failed ones included. */
  unacknowledged: number;
  /** Purges waiting in origin outboxes whose oldest waits longer than the grace period. */
  outboxPending: number;
  /** Purges origin outboxes hold as refused for good. */
  outboxFailed: number;
  oldestAgeSeconds: number;
}

export interface AlertInput {
  backlog: BacklogInput[];
  purgeFailures: { tenant: string; failures: number }[];
  hitRatios: { tenant: string; operation: string; current: { requests: number; hits: number }; baseline: { requests: number; hits: number } }[];
  /** Export downloads per tenant over the export rules' window (exports/metrics.ts exportServingSince). */
  exportServing: { tenant: string; resumes: number; resumeFailures: number; corruptRefusals: number }[];
}

/** The conditions that hold for `input`. Pure. */
export function conditions(input: AlertInput, rules: AlertRules = DEFAULT_RULES): Condition[] {
  const out: Condition[] = [];

  const backlog = rules.invalidationBacklog;
  for (const b of input.backlog) {
    const count = b.unacknowledged + b.outboxPending + b.outboxFailed;
    if (count <= 0) continue;
    out.push({
      alertname: 'ConductorInvalidationBacklog',
      severity: 'critical',
      labels: { tenant: b.tenant },
      values: { count, unacknowledged: b.unacknowledged, outboxPending: b.outboxPending, outboxFailed: b.outboxFailed, oldestAgeSeconds: b.oldestAgeSeconds },
      thresholds: { count: 1, graceSeconds: backlog.graceSeconds },
      summary: `${count} purge(s) of ${b.tenant} not applied at the edge (${b.unacknowledged} unacknowledged, ${b.outboxPending + b.outboxFailed} in origin outboxes), oldest ${b.oldestAgeSeconds}s`,
      forSeconds: backlog.forSeconds,
    });
  }

  const failures = rules.purgeFailures;
  for (const f of input.purgeFailures) {
    if (!(f.failures > failures.firingAbove)) continue;
    out.push({
      alertname: 'ConductorPurgeFailures',
      severity: 'critical',
      labels: { tenant: f.tenant },
      values: { failures: f.failures },
      thresholds: { failures: failures.firingAbove },
      summary: `${f.failures} purge(s) of ${f.tenant} failed in the last ${failures.windowMinutes} minutes`,
      forSeconds: failures.forSeconds,
    });
  }

  const drop = rules.hitRatioDrop;
  for (const h of input.hitRatios) {
    // Both sides need enough requests: a ratio over a handful of requests says nothing.
    if (h.baseline.requests < drop.minRequests || h.current.requests < drop.minRequests) continue;
    const baseline = h.baseline.hits / h.baseline.requests;
    const current = h.current.hits / h.current.requests;
    if (!(baseline - current >= drop.drop)) continue;
    out.push({
      alertname: 'ConductorHitRatioDrop',
      severity: 'warning',
      labels: { tenant: h.tenant, operation: h.operation },
      values: { hitRatio: current, baselineHitRatio: baseline, drop: baseline - current, requests: h.current.requests },
      thresholds: { drop: drop.drop, minRequests: drop.minRequests },
      summary: `hit ratio of ${h.operation} for ${h.tenant} fell from ${(baseline * 100).toFixed(1)}% to ${(current * 100).toFixed(1)}%`,
      forSeconds: drop.forSeconds,
    });
  }

  const corrupt = rules.exportCorruptChunks;
  const resume = rules.exportResumeFailures;
  for (const e of input.exportServing) {
    if (e.corruptRefusals > corrupt.firingAbove) {
      out.push({
        alertname: 'ConductorExportCorruptChunks',
        severity: 'critical',
        labels: { tenant: e.tenant },
        values: { refusals: e.corruptRefusals },
        thresholds: { refusals: corrupt.firingAbove },
        summary: `${e.corruptRefusals} export request(s) of ${e.tenant} refused in the last ${corrupt.windowMinutes} minutes: a stored chunk failed its check against the signed manifest`,
        forSeconds: corrupt.forSeconds,
      });
    }
    if (e.resumeFailures > resume.firingAbove) {
      out.push({
        alertname: 'ConductorExportResumeFailures',
        severity: 'warning',
        labels: { tenant: e.tenant },
        values: { failures: e.resumeFailures, resumes: e.resumes },
        thresholds: { failures: resume.firingAbove },
        summary: `${e.resumeFailures} resumed export download(s) of ${e.tenant} did not get their range in the last ${resume.windowMinutes} minutes (${e.resumes} did)`,
        forSeconds: resume.forSeconds,
      });
    }
  }
  return out;
}

export function alertKey(a: { alertname: string; labels: AlertLabels }): string {
  return `${a.alertname}\u0000${a.labels.tenant}\u0000${a.labels.operation ?? ''}`;
}

/** Firing before pending, then by name and labels. */
export function byUrgency(a: { state: AlertState; alertname: string; labels: AlertLabels }, b: { state: AlertState; alertname: string; labels: AlertLabels }): number {
  const rank = (x: { state: AlertState }) => (x.state === 'firing' ? 0 : 1);
  return rank(a) - rank(b) || a.alertname.localeCompare(b.alertname) || a.labels.tenant.localeCompare(b.labels.tenant) || (a.labels.operation ?? '').localeCompare(b.labels.operation ?? '');
}

/** One evaluation: the memory of the last one plus the conditions holding now → the active alerts and the transitions. Pure. */
export function advance(memory: readonly Remembered[], holding: readonly Condition[], now: Date): { active: ActiveAlert[]; transitions: Transition[] } {
  const remembered = new Map(memory.map((m) => [alertKey(m), m]));
  const active: ActiveAlert[] = [];
  const transitions: Transition[] = [];
  const note = (c: Condition, state: Transition['state'], previousState: AlertState | null) =>
    transitions.push({ at: now, alertname: c.alertname, labels: c.labels, state, previousState, severity: c.severity, values: c.values, summary: c.summary });

  for (const c of holding) {
    const key = alertKey(c);
    const before = remembered.get(key);
    remembered.delete(key);
    const activeSince = before?.activeSince ?? now;
    const heldMs = now.getTime() - activeSince.getTime();
    const fires = before?.state === 'firing' || heldMs >= c.forSeconds * 1000;
    const state: AlertState = fires ? 'firing' : 'pending';
    const firingSince = before?.state === 'firing' ? before.firingSince : fires ? now : null;
    if (state !== before?.state) note(c, state, before?.state ?? null);
    active.push({ ...c, state, activeSince, firingSince, evaluatedAt: now });
  }
  for (const gone of [...remembered.values()].sort((a, b) => alertKey(a).localeCompare(alertKey(b)))) {
    transitions.push({ at: now, alertname: gone.alertname, labels: gone.labels, state: 'resolved', previousState: gone.state, severity: gone.severity, values: gone.values, summary: gone.summary });
  }
  return { active: active.sort(byUrgency), transitions };
}
