import { Agent, request } from 'node:http';
import { Rng } from '@conductor/control-plane/random';

/**
 * Open-loop load: requests leave at scheduled times drawn from a Poisson process (exponential
 * gaps, seeded), whether or not earlier ones have answered — unlike autocannon, whose fixed
 * connections wait for each answer and so hide queueing (closed loop). Keep-alive HTTP/1.1 over
 * node:http with an unbounded socket pool, so a slow answer never delays the next send.
 */
export interface OpenLoopRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface OpenLoopSample {
  /** When the send was due (ms, performance.now() clock). */
  scheduledAt: number;
  /** How late the send left, ms (timer granularity, event-loop stalls). */
  lagMs: number;
  /** Send → last byte of the answer, ms. */
  latencyMs: number;
  status: number;
  /** From `Server-Timing: queue;dur=…, svc;dur=…`, when the origin reports it. */
  queueMs?: number;
  svcMs?: number;
  /** From `Server-Timing: sleep;dur=…`: the service time the origin drew for this request. */
  sleepMs?: number;
}

export interface OpenLoopResult {
  samples: OpenLoopSample[];
  errors: number;
  /** Count per error message (connection reset, timeout, …). */
  errorKinds: Record<string, number>;
  startedAt: number;
  endedAt: number;
}

export interface OpenLoopOptions {
  url: string;
  /** Mean arrival rate, requests per second. */
  rate: number;
  durationMs: number;
  seed: number;
  request: (i: number) => OpenLoopRequest;
  agent: Agent;
  /** Give up on an answer after this long (counted as an error). */
  timeoutMs?: number;
  /**
   * Sequential stopping: every `everyMs` the run calls `check` with the answers so far and the
   * scheduled time of the oldest request still in flight (+∞ when none), and stops sending once it
   * returns true; `durationMs` stays the upper bound.
   */
  stop?: { everyMs: number; check: (samples: readonly OpenLoopSample[], oldestInFlightScheduledAt: number) => boolean };
}

export function keepAliveAgent(): Agent {
  // Idle sockets are dropped after 4 s, before Node's server closes them at its 5 s keepAliveTimeout:
  // reusing a socket the server is closing just then is a spurious ECONNRESET.
  return new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY, maxFreeSockets: 1024, scheduling: 'lifo', timeout: 4_000 });
}

export async function runOpenLoop(opts: OpenLoopOptions): Promise<OpenLoopResult> {
  const target = new URL(opts.url);
  const rng = new Rng(opts.seed);
  const meanGapMs = 1000 / opts.rate;
  const samples: OpenLoopSample[] = [];
  const inFlight = new Set<Promise<void>>();
  // Scheduled times of the requests in flight (insertion order = schedule order).
  const pending = new Set<number>();
  let errors = 0;
  const errorKinds: Record<string, number> = {};
  const fail = (err: Error) => {
    errors++;
    errorKinds[err.message] = (errorKinds[err.message] ?? 0) + 1;
  };
  const startedAt = performance.now();
  const end = startedAt + opts.durationMs;
  let next = startedAt + rng.exponential(meanGapMs);
  let i = 0;

  const fire = (scheduledAt: number, req: OpenLoopRequest) => {
    pending.add(scheduledAt);
    const p = new Promise<void>((resolve) => {
      const sentAt = performance.now();
      const r = request(
        {
          host: target.hostname,
          port: target.port,
          path: req.path,
          method: 'POST',
          agent: opts.agent,
          headers: { ...req.headers, 'content-length': Buffer.byteLength(req.body) },
          timeout: opts.timeoutMs ?? 30_000,
        },
        (res) => {
          res.on('data', () => {});
          res.on('end', () => {
            const sample: OpenLoopSample = { scheduledAt, lagMs: sentAt - scheduledAt, latencyMs: performance.now() - sentAt, status: res.statusCode ?? 0 };
            const timing = res.headers['server-timing'];
            if (typeof timing === 'string') {
              const q = /queue;dur=([\d.]+)/.exec(timing);
              const s = /svc;dur=([\d.]+)/.exec(timing);
              if (q) sample.queueMs = Number(q[1]);
              if (s) sample.svcMs = Number(s[1]);
              const z = /sleep;dur=([\d.]+)/.exec(timing);
              if (z) sample.sleepMs = Number(z[1]);
            }
            samples.push(sample);
            resolve();
          });
          res.on('error', (err) => {
            fail(err);
            resolve();
          });
        },
      );
      r.on('timeout', () => r.destroy(new Error('timeout')));
      r.on('error', (err) => {
        fail(err);
        resolve();
      });
      r.end(req.body);
    });
    inFlight.add(p);
    void p.then(() => {
      inFlight.delete(p);
      pending.delete(scheduledAt);
    });
  };

  let nextCheck = opts.stop ? startedAt + opts.stop.everyMs : Number.POSITIVE_INFINITY;
  let stopAt = end;
  while (next < stopAt) {
    const now = performance.now();
    if (now >= nextCheck) {
      nextCheck = now + opts.stop!.everyMs;
      const oldest = pending.size ? pending.values().next().value! : Number.POSITIVE_INFINITY;
      if (opts.stop!.check(samples, oldest)) stopAt = Math.min(stopAt, now);
    }
    while (next <= now && next < stopAt) {
      fire(next, opts.request(i++));
      next += rng.exponential(meanGapMs);
    }
    const wait = Math.min(next, nextCheck) - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  const endedAt = performance.now();
  await Promise.all(inFlight);
  return { samples, errors, errorKinds, startedAt, endedAt };
}
