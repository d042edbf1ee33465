import type { Db } from '../db/client.ts';
import { deleteMetricsBefore, type PruneCounts } from './queries.ts';

const DAY_MS = 86_400_000;

/** How often the Node server prunes; deleting an hour's rows at a time keeps each delete small. */
export const PRUNE_INTERVAL_MS = 60 * 60_000;

/**
 * Deletes edge metrics, latency buckets, batch ids, purge receipts and failure counts older than
 * `retentionDays` before `now`. Admin purge events (purge_events) are history of the cache domain
 * and are not touched.
 */
export function pruneMetrics(db: Db, retentionDays: number, now = new Date()): Promise<PruneCounts> {
  return deleteMetricsBefore(db, new Date(now.getTime() - retentionDays * DAY_MS));
}

/**
 * Runs pruneMetrics now and then every `intervalMs` until the returned stop function is called.
 * A failed run is logged and retried at the next tick: retention is housekeeping, never fatal.
 */
export function startMetricsPruner(db: Db, retentionDays: number, intervalMs = PRUNE_INTERVAL_MS): () => Promise<void> {
  let running: Promise<unknown> | undefined;
  const tick = () => {
    if (running) return; // a slow prune is still deleting; the next tick catches up
    running = pruneMetrics(db, retentionDays)
      .catch((err: unknown) => console.error('[control-plane] metrics retention prune failed', err))
      .finally(() => (running = undefined));
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    // Let an in-flight prune finish before the database closes under it.
    await running;
  };
}
