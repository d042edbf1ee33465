import { parentPort, workerData } from 'node:worker_threads';
import { keepAliveAgent, runOpenLoop, type OpenLoopRequest, type OpenLoopSample } from './open-loop.ts';
import type { ThreadMessage, ThreadOptions } from './open-loop-thread.ts';

// Worker-thread side of runOpenLoopInThread: the open loop alone on this thread's event loop, so
// the main thread's stop checks (seconds of CPU over 10⁵ answers) never delay a send. Every
// `everyMs` it hands over the answers since the last report; the main thread answers `stop`.
const opts = workerData as ThreadOptions;
const port = parentPort!;
let stopRequested = false;
port.on('message', (m: { stop: true }) => {
  if (m.stop) stopRequested = true;
});

const requests: readonly OpenLoopRequest[] = opts.requests;
let reported = 0;
const report = (samples: readonly OpenLoopSample[], oldestInFlightScheduledAt: number) => {
  const message: ThreadMessage = { kind: 'samples', samples: samples.slice(reported), oldestInFlightScheduledAt };
  reported = samples.length;
  port.postMessage(message);
};

const agent = keepAliveAgent();
const result = await runOpenLoop({
  url: opts.url,
  rate: opts.rate,
  durationMs: opts.durationMs,
  seed: opts.seed,
  timeoutMs: opts.timeoutMs,
  agent,
  request: (i) => requests[i % requests.length]!,
  stop: opts.everyMs
    ? {
        everyMs: opts.everyMs,
        check: (samples, oldest) => {
          report(samples, oldest);
          return stopRequested;
        },
      }
    : undefined,
});
agent.destroy();
const done: ThreadMessage = { kind: 'done', samples: result.samples.slice(reported), errors: result.errors, errorKinds: result.errorKinds, startedAt: result.startedAt, endedAt: result.endedAt };
port.postMessage(done);
