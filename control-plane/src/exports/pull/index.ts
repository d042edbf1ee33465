/**
 * Downloading an export: `conductor export pull` and `export verify` (issue 9, "Downloads that resume").
 *
 *   pullExport({ controlPlaneUrl, token, exportId, outDir, parallel?, jwks?, fetch?, onProgress?, signal? }) → PullStats
 *   verifyExportDir(dir, jwks)          → ExportVerification   offline: signature, consistency, every chunk
 *   loadJwks(fileOrUrl), jwksUrl(cp)    → the keys manifests are checked against
 *   planPull(chunks, onDisk)            → which chunks to re-hash, resume (Range) or fetch whole (pure)
 *   layout.ts                           → DIR/manifest.json, DIR/chunks/000000.jsonl[.part|.rejected] (pure)
 *   progress.ts                         → RateMeter, progressLine, progressFields (pure)
 */
export { pullExport, type PullExportOptions, type PullStats } from './engine.ts';
export { PullError, type PullFailureCode } from './errors.ts';
export { digestFile } from './files.ts';
export { jwksUrl, loadJwks } from './jwks.ts';
export { chunkFileName, chunkPath, chunksDir, manifestPath, parseChunkFileName, type ChunkFileKind } from './layout.ts';
export { chunkRequestHeaders, planPull, useChunkResponse, type ChunkOnDisk, type ChunkStep, type PullPlan } from './plan.ts';
export { etaSeconds, formatBytes, formatEta, formatRate, percent, progressFields, progressLine, PROGRESS_BAR_FORMAT, RateMeter, type PullProgress } from './progress.ts';
export { verifyExportDir } from './verify-dir.ts';
