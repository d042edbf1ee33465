import { Worker } from 'node:worker_threads';
import type { OpenLoopRequest, OpenLoopResult, OpenLoopSample } from './open-loop.ts';

/**
 * runOpenLoop on a worker thread of its own. On one event loop, a stop check that takes 100 ms
 * (the what-if bench's interval estimate over 10⁵ answers) holds every send due meanwhile, and the
 * late sends leave together: the arrivals clump (send-gap c_a² ≈ 3 at 320 req/s on two cores) and
 * the queue under test is no longer the one the schedule describes. Here the sends keep their own
 * loop and the check runs on the caller's. Times are the worker's `performance.now()` clock, the
 * same for every sample and for startedAt/endedAt, so they compare with each other only.
 */
export interface ThreadOptions {
  url: string;
  rate: number;
  durationMs: number;
  seed: number;
  /** Request i is `requests[i % requests.length]` (sent as is: structured-cloned to the thread). */
  requests: readonly OpenLoopRequest[];
  timeoutMs?: number;
  /** How often the thread reports its answers so far, and the caller may ask it to stop. */
  everyMs?: number;
}

export type ThreadMessage =
  | { kind: 'samples'; samples: OpenLoopSample[]; oldestInFlightScheduledAt: number }
  | ({ kind: 'done'; samples: OpenLoopSample[] } & Omit<OpenLoopResult, 'samples'>);

export interface ThreadRunOptions extends Omit<ThreadOptions, 'everyMs'> {
  /** As runOpenLoop's `stop`, called on this thread with every answer so far. */
  stop?: { everyMs: number; check: (samples: readonly OpenLoopSample[], oldestInFlightScheduledAt: number) => boolean };
}

export function runOpenLoopInThread(opts: ThreadRunOptions): Promise<OpenLoopResult> {
  const { stop, ...rest } = opts;
  const workerData: ThreadOptions = { ...rest, everyMs: stop?.everyMs };
  const worker = new Worker(new URL('./open-loop-worker.ts', import.meta.url), { workerData });
  const samples: OpenLoopSample[] = [];
  return new Promise<OpenLoopResult>((resolve, reject) => {
    let stopped = false;
    worker.on('message', (m: ThreadMessage) => {
      for (const s of m.samples) samples.push(s);
      if (m.kind === 'samples') {
        if (!stopped && stop?.check(samples, m.oldestInFlightScheduledAt)) {
          stopped = true;
          worker.postMessage({ stop: true });
        }
        return;
      }
      const { kind: _kind, samples: _last, ...result } = m;
      resolve({ ...result, samples });
      void worker.terminate();
    });
    worker.on('error', reject);
    worker.on('exit', (code) => reject(new Error(`open-loop thread exited with code ${code} before it reported`)));
  });
}
