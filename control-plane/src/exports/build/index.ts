// Building an export's chunks: the packer, the resumable driver, the scheduler job, and the
// queries the next steps (assembly, routes, review) start from.
export { ExportSourceError, packChunks, type JsonValue, type LineSource, type PackedChunk, type ResumePoint, type SourceLine } from './pack.ts';
export { buildExportChunks, sha256Hex, type BuildOptions, type BuildProgress } from './build.ts';
export { DEFAULT_MAX_BUILD_ATTEMPTS, EXPORT_BUILD_JOB, exportBuildJob, type ExportBuildJobOptions, type ExportBuildRunResult, type FinalizeExport } from './job.ts';
export { exportBlobPrefix, exportChunkKey } from './keys.ts';
export { syntheticLines } from './synthetic.ts';
export * from '../queries.ts';
