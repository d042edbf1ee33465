import { CacheStatusSchema, type CacheStatus } from './metrics.ts';

/*
 * What the stored edge metrics mean when read back: which cache statuses count as served from
 * the edge, and the windows every read over them may span. Stated once here because the read
 * API's contracts (reports, what-if), the control plane's edge-metrics module and the
 * cross-process tests all need the same answer. Pure data.
 */

/** Every status the edge reports, in the order reports list them. */
export const CACHE_STATUSES: readonly CacheStatus[] = CacheStatusSchema.options;

/**
 * Answered by the edge without waiting for an origin fetch of its own: a fresh entry (HIT), an
 * entry inside its stale window (STALE), or a request that joined another request's in-flight
 * fill (COALESCED). Their share of requests is the hit ratio everywhere: reports, /metrics,
 * alerts, TTL tuning and what-if inputs.
 */
export const EDGE_SERVED_STATUSES = ['HIT', 'STALE', 'COALESCED'] as const satisfies readonly CacheStatus[];

const EDGE_SERVED: ReadonlySet<CacheStatus> = new Set(EDGE_SERVED_STATUSES);

export function isEdgeServed(status: CacheStatus): boolean {
  return EDGE_SERVED.has(status);
}

/**
 * BYPASS requests were never candidates for the cache (caching switched off, unsafelisted
 * operation, mutation): models of how well caching works (TTL tuning) leave them out.
 */
export function isCacheable(status: CacheStatus): boolean {
  return status !== 'BYPASS';
}

const MINUTE = 1;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Windows over the edge metrics, in minutes. A window is `[from, to)`; a stored minute belongs to
 * it when its start lies inside.
 *
 * - `maxMinutes`, one week for every read: it covers a daily and a weekly cycle, stays inside the
 *   default 14-day retention (METRICS_RETENTION_DAYS) so a window never silently reads less than
 *   it says, and bounds the scan a single request may cause.
 * - `recentMinutes`, the last hour: the default of questions about what is happening now (reports,
 *   what-if inputs, change impact).
 * - `tuningMinutes`, the last day: the default of TTL recommendations, which need a steady rate
 *   over a whole daily cycle and enough requests per operation (at least 1 000) to invert the hit
 *   ratio.
 * - `maxPoints`: most points one chart series may have, so a week needs a step of 7 minutes.
 */
export const METRICS_WINDOW = {
  maxMinutes: 7 * DAY,
  recentMinutes: HOUR,
  tuningMinutes: DAY,
  maxPoints: 1440,
} as const;
