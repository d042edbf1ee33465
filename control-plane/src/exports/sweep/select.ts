import type { ExportStatus } from '@conductor/schema/contracts/exports';

/*
 * Which stored blobs no export accounts for (docs/adr/0018). Pure: the sweep job (job.ts) lists a
 * page of keys, reads the state of the exports they name, and deletes what this selects.
 *
 * A blob is an orphan when
 * - its export's row is gone (deleted, or never committed), or the export ended `failed` or
 *   `rejected`: nothing of it may be served again (publication and review delete the chunks
 *   themselves, but a process can die between the commit and the delete);
 * - or it is a chunk past the ones recorded for a live export: a runner killed after its put and
 *   before the row's commit (build/build.ts writes the bytes first). A build that resumes writes
 *   that chunk again, so deleting it loses nothing.
 *
 * Never a blob younger than the grace period, whatever its export's state: the put of a running
 * build lands before its row commits, and the listing and the rows are not read at one instant,
 * so a fresh chunk can look unrecorded. If a build ever stalled between put and commit for longer
 * than the grace, the chunk's row would name a deleted blob; publication reads every chunk back
 * and fails such an export rather than sign it (publish.ts), so the cost is a failed export, never
 * a wrong one.
 *
 * Keys that do not have the export layout (build/keys.ts) are left alone: not knowing what wrote
 * them, the sweep does not guess.
 */

export type OrphanReason = 'export-gone' | 'export-failed' | 'export-rejected' | 'chunk-unrecorded';

export interface SweepExportState {
  status: ExportStatus;
  /** One past the highest chunk index recorded (0: none): chunks below it are accounted for. */
  recordedChunks: number;
}

export interface SweptBlob {
  key: string;
  uploaded: Date;
}

export interface Orphan {
  key: string;
  exportId: string;
  reason: OrphanReason;
}

/** `exports/<id>/…` and, for a chunk, its index (`exports/<id>/chunks/<digits>`); null for another layout. */
export function parseExportBlobKey(key: string): { exportId: string; ix: number | null } | null {
  const match = /^exports\/([^/]+)\/(.+)$/.exec(key);
  if (!match) return null;
  const chunk = /^chunks\/(\d{8,15})$/.exec(match[2]!);
  return { exportId: match[1]!, ix: chunk ? Number(chunk[1]) : null };
}

/** The export ids a page of keys names, each once, in the order first seen. */
export function exportIdsOf(blobs: readonly SweptBlob[]): string[] {
  const ids = new Set<string>();
  for (const blob of blobs) {
    const parsed = parseExportBlobKey(blob.key);
    if (parsed) ids.add(parsed.exportId);
  }
  return [...ids];
}

/**
 * The orphans among `blobs`, given the state of every export they name (an id absent from
 * `exports` has no row) and the instant of the sweep.
 */
export function selectOrphans(blobs: readonly SweptBlob[], exports: ReadonlyMap<string, SweepExportState>, now: Date, graceMs: number): Orphan[] {
  const orphans: Orphan[] = [];
  for (const blob of blobs) {
    if (now.getTime() - blob.uploaded.getTime() < graceMs) continue;
    const parsed = parseExportBlobKey(blob.key);
    if (!parsed) continue;
    const state = exports.get(parsed.exportId);
    const reason = orphanReason(state, parsed.ix);
    if (reason) orphans.push({ key: blob.key, exportId: parsed.exportId, reason });
  }
  return orphans;
}

function orphanReason(state: SweepExportState | undefined, ix: number | null): OrphanReason | null {
  if (!state) return 'export-gone';
  if (state.status === 'failed') return 'export-failed';
  if (state.status === 'rejected') return 'export-rejected';
  if (ix !== null && ix >= state.recordedChunks) return 'chunk-unrecorded';
  return null;
}
