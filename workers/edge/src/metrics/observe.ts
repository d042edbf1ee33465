import type { CacheStatus } from '@conductor/schema/contracts/metrics';
import type { EdgeContext } from '../context.ts';
import { toErrorResponse } from '../http/errors.ts';

/**
 * What the handler learns about a request as it goes; the entry records it once the response
 * exists. `tenant` is set only once the tenant is verified and served: anything before that is
 * not attributed to anyone.
 */
export interface RequestTrace {
  tenant?: string;
  opId?: string;
  opName?: string;
  /**
   * The response's x-cache, set where the response is built (so it is never read back from the
   * headers); for a request that failed on the way, the path it had taken. Unset means BYPASS.
   */
  status?: CacheStatus;
  originMs: number | null;
  /** Body bytes of the response the handler built; unset → measured here. */
  bytes?: number;
}

/**
 * Runs a /graphql handler, turns its errors into responses, and records the request. Latency is
 * Date.now() differences: inside Workers the clock only advances across I/O, which is exactly the
 * time that matters here (origin, cache, Durable Object); CPU time between I/O counts as zero.
 */
export async function observed(cx: EdgeContext, handle: (trace: RequestTrace) => Promise<Response>): Promise<Response> {
  const at = Date.now();
  const trace: RequestTrace = { originMs: null };
  let res: Response;
  try {
    res = await handle(trace);
  } catch (err) {
    res = toErrorResponse(err);
  }
  if (trace.tenant) {
    cx.metrics.record({
      at,
      tenant: trace.tenant,
      opId: trace.opId ?? 'unknown',
      opName: trace.opName ?? '',
      status: trace.status ?? 'BYPASS',
      totalMs: Date.now() - at,
      originMs: trace.originMs,
      // Only error and APQ answers get here unmeasured: small bodies, off the hit path.
      bytes: trace.bytes ?? (await res.clone().arrayBuffer()).byteLength,
    });
    cx.shipMetrics();
  }
  return res;
}
