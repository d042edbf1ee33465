/**
 * The orphan blob sweep (docs/adr/0018).
 *
 *   exportSweepJob({ blobs, graceMs?, everyMs?, pagesPerRun? }) → Job   `exports.sweep`, hourly
 *   selectOrphans(blobs, states, now, graceMs) → Orphan[]              which listed blobs go (pure)
 *   exportSweepStates(db, exportIds) → Map<id, { status, recordedChunks }>
 */
export { DEFAULT_SWEEP_GRACE_MS, EXPORT_BLOBS_PREFIX, EXPORT_SWEEP_JOB, exportSweepJob, type ExportSweepJobOptions, type ExportSweepRunResult } from './job.ts';
export { exportIdsOf, parseExportBlobKey, selectOrphans, type Orphan, type OrphanReason, type SweepExportState, type SweptBlob } from './select.ts';
export { exportSweepStates } from './queries.ts';
