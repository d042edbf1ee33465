import type { Job } from '../scheduler/job.ts';
import { ALERT_EVALUATION_JOB, evaluateAlerts } from './service.ts';

/**
 * Evaluates the alert rules every minute (the `for:` durations are whole minutes, and the edge
 * ships metrics every 10 s). The memory lives in `alert_states`, so a missed minute only delays a
 * transition; it never loses one.
 */
export function alertEvaluationJob(): Job {
  return {
    name: ALERT_EVALUATION_JOB,
    everyMs: 60_000,
    leaseMs: 5 * 60_000,
    run: ({ db, now }) => evaluateAlerts(db, now),
  };
}
