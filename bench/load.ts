import type { IncomingHttpHeaders } from 'node:http';
import autocannon from 'autocannon';
import { summarise, type Summary } from './stats.ts';

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadResult {
  /** Requests per second actually completed. */
  throughput: number;
  latencyMs: Summary;
  statuses: Record<string, number>;
  /** Count per x-cache value ('none' when absent). */
  cache: Record<string, number>;
  errors: number;
  timeouts: number;
}

export interface LoadOptions {
  url: string;
  requests: LoadRequest[];
  /** Steady total rate (autocannon's overallRate); omitted = as fast as the connections go. */
  rate?: number;
  durationSeconds: number;
  connections: number;
  /** Resolves to stop the run early (e.g. when the purge probe is done). */
  until?: Promise<unknown>;
}

/**
 * One autocannon run over a fixed request mix, keeping every response time (for p95) and the
 * x-cache header of every response (for the hit ratio).
 */
export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  const cache: Record<string, number> = {};
  const statuses: Record<string, number> = {};
  const started = performance.now();
  let instance: autocannon.Instance | undefined;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(
      {
        url: opts.url,
        connections: opts.connections,
        duration: opts.durationSeconds,
        ...(opts.rate ? { overallRate: opts.rate } : {}),
        timeout: 10,
        requests: opts.requests.map((r) => ({
          method: r.method,
          path: r.path,
          headers: r.headers,
          body: r.body,
          onResponse: (status: number, _body: string, _context: object, headers: IncomingHttpHeaders | undefined) => {
            statuses[status] = (statuses[status] ?? 0) + 1;
            const value = headerValue(headers ?? {}, 'x-cache') ?? 'none';
            cache[value] = (cache[value] ?? 0) + 1;
          },
        })),
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    // At runtime the tracker emits (client, status, bytes, responseTime); @types/autocannon omits the client.
    (instance as NodeJS.EventEmitter).on('response', (...args: unknown[]) => {
      latencies.push(Number(args[3]));
    });
    void opts.until?.then(() => instance?.stop());
  });
  const elapsedSeconds = (performance.now() - started) / 1000;
  return {
    throughput: latencies.length / elapsedSeconds,
    latencyMs: summarise(latencies),
    statuses,
    cache,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() === name) return Array.isArray(v) ? v[0] : v;
  }
  return undefined;
}
