import { alertEvaluationJob } from '../alerts/job.ts';
import { exportBuildJob, type ExportBuildJobOptions } from '../exports/build/job.ts';
import { exportSweepJob } from '../exports/sweep/job.ts';
import { metricsRetentionJob } from '../metrics/retention.ts';
import type { Job } from './job.ts';

export interface JobsConfig {
  /** METRICS_RETENTION_DAYS. */
  metricsRetentionDays: number;
  /**
   * The export build (`exports.build`): its blob store, the lines of an export and the step that
   * assembles a built one. Registered once a runtime supplies them, and with it the sweep of
   * orphaned blobs in the same store (`exports.sweep`, docs/adr/0018).
   */
  exports?: ExportBuildJobOptions;
}

/**
 * Every background job of the control plane, on both runtimes. A new job is one line here: its
 * schedule (`everyMs`) travels with it, the Worker's once-a-minute Cron Trigger and the Node timer
 * only ask "what is due?".
 */
export function backgroundJobs(config: JobsConfig): Job[] {
  return [
    metricsRetentionJob(config.metricsRetentionDays),
    alertEvaluationJob(),
    ...(config.exports ? [exportBuildJob(config.exports), exportSweepJob({ blobs: config.exports.blobs })] : []),
  ];
}
