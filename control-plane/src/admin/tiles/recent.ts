import { query, type ApiClient, type ApiResult } from '../api.ts';
import type { P95DeltaReport } from '@conductor/schema/contracts/reports';

/** The overview's recent window: the last hour, in whole minutes. */
export const RECENT_MINUTES = 60;

/**
 * The p95-delta report over the recent window, every tenant the user may read. Minute-aligned, so
 * the tiles that read it in one page view ask the same question (and share one answer).
 */
export function recentP95Report(api: ApiClient, now = Date.now()): Promise<ApiResult<P95DeltaReport>> {
  const to = Math.floor(now / 60_000) * 60_000 + 60_000;
  const from = to - RECENT_MINUTES * 60_000;
  return api.get<P95DeltaReport>(`/v1/reports/p95-delta${query({ from: new Date(from).toISOString(), to: new Date(to).toISOString() })}`);
}
