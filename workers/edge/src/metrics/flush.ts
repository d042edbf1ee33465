import type { Fetch } from '../origin/forward.ts';
import type { MetricsRecorder } from './recorder.ts';

const SEND_TIMEOUT_MS = 5_000;

export interface MetricsTarget {
  controlPlaneUrl: string;
  /** The edge's control-plane service token, the one the config pull uses (scope edge.metrics). */
  token: string;
  fetch: Fetch;
}

/**
 * Ships one batch to POST /v1/metrics/edge. Runs off the response path (waitUntil). A 400/413/422
 * means the control plane will never take this batch, so it is dropped; any other failure keeps
 * it for the next flush, which resends it under the same batchId.
 */
export async function flushMetrics(recorder: MetricsRecorder, target: MetricsTarget, now = Date.now()): Promise<void> {
  const batch = recorder.beginFlush(now, () => crypto.randomUUID());
  if (!batch) return;
  let outcome: 'accepted' | 'rejected' | 'failed' = 'failed';
  try {
    const res = await target.fetch(`${target.controlPlaneUrl}/v1/metrics/edge`, {
      method: 'POST',
      headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(batch),
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
    });
    const detail = res.ok ? '' : await res.text().catch(() => '');
    if (res.ok) outcome = 'accepted';
    else if (res.status === 400 || res.status === 413 || res.status === 422) outcome = 'rejected';
    if (outcome !== 'accepted') console.error(`edge: metrics batch ${batch.batchId} answered ${res.status} (${outcome})`, detail.slice(0, 300));
    else await res.body?.cancel();
  } catch (err) {
    console.error(`edge: metrics batch ${batch.batchId} not delivered, will retry`, String(err));
  } finally {
    recorder.endFlush(batch.batchId, outcome);
  }
}

/**
 * The `shipMetrics` of an EdgeContext: starts a flush off the response path when one is due, else
 * keeps one delayed flush pending on this request's waitUntil (the interval is well inside the
 * 30 s a Worker may keep working after its response), so a quiet isolate still ships.
 */
export function metricsShipper(
  recorder: MetricsRecorder,
  target: MetricsTarget,
  intervalMs: number,
  waitUntil: (p: Promise<unknown>) => void,
): () => void {
  return () => {
    const now = Date.now();
    if (recorder.flushDue(now, intervalMs)) {
      waitUntil(flushMetrics(recorder, target, now));
      return;
    }
    const delay = recorder.scheduleFlush(now, intervalMs);
    if (delay !== null) waitUntil(new Promise((r) => setTimeout(r, delay)).then(() => flushMetrics(recorder, target)));
  };
}
