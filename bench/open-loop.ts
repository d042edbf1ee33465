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
    void p.then(() => inFlight.delete(p));
  };

  while (next < end) {
    const now = performance.now();
    while (next <= now && next < end) {
      fire(next, opts.request(i++));
      next += rng.exponential(meanGapMs);
    }
    const wait = next - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  const endedAt = performance.now();
  await Promise.all(inFlight);
  return { samples, errors, errorKinds, startedAt, endedAt };
}
