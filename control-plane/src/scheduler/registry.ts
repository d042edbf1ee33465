import { alertEvaluationJob } from '../alerts/job.ts';
import { metricsRetentionJob } from '../metrics/retention.ts';
import type { Job } from './job.ts';

export interface JobsConfig {
  /** METRICS_RETENTION_DAYS. */
  metricsRetentionDays: number;
}

/**
 * Every background job of the control plane, on both runtimes. A new job is one line here: its
 * schedule (`everyMs`) travels with it, the Worker's once-a-minute Cron Trigger and the Node timer
 * only ask "what is due?".
 */
export function backgroundJobs(config: JobsConfig): Job[] {
  return [metricsRetentionJob(config.metricsRetentionDays), alertEvaluationJob()];
}
