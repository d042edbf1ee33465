import { controlVariateQuantileCi, mmc, mmcQuantileSamplingVariance, replayFifo, type ControlVariateCi, type MmcStable } from '@conductor/control-plane/queueing';
import type { OpenLoopSample } from './open-loop.ts';

// The observation side of `npm run bench:whatif` (docs/what-if.md, "Backtest"): from the answers of
// one level's run, the observed p95/p99 with honest 90 % intervals, and the replay that tells
// whether the origin behaved as an ideal FIFO c-server queue. No I/O.

/** One answered request with everything the analysis needs (status 200 and full Server-Timing). */
export interface Answer {
  scheduledAt: number;
  sentAt: number;
  latencyMs: number;
  queueMs: number;
  svcMs: number;
  sleepMs: number;
}

export function answers(samples: readonly OpenLoopSample[]): Answer[] {
  const out: Answer[] = [];
  for (const s of samples) {
    if (s.status !== 200 || s.queueMs === undefined || s.svcMs === undefined || s.sleepMs === undefined) continue;
    out.push({ scheduledAt: s.scheduledAt, sentAt: s.scheduledAt + s.lagMs, latencyMs: s.latencyMs, queueMs: s.queueMs, svcMs: s.svcMs, sleepMs: s.sleepMs });
  }
  return out.sort((a, b) => a.scheduledAt - b.scheduledAt);
}

export interface Shadow {
  /** Scale of the shadow's service: 1 + mean(svc − sleep)/nominal mean, so its ρ matches the origin's. */
  scale: number;
  /** Mean service time of the shadow, ms (scale × nominal mean). */
  serviceMeanMs: number;
  /** Poisson rate of the schedule, per ms. */
  arrivalsPerMs: number;
  /** Sojourn (wait + service) of each answer in the shadow queue, same order as the answers. */
  sojournMs: Float64Array;
  exact: MmcStable;
}

/**
 * The control of the confidence interval: an ideal M/M/c queue fed the run's own random inputs, the
 * generator's Poisson schedule (not the actual send times) and the origin's exponential draws
 * scaled by a constant. Its inputs are exactly Poisson and i.i.d. exponential, so its quantiles are
 * exact (mmc) whatever the origin does; it moves with the observation because both saw the same
 * arrivals and draws. The scale comes from svc − sleep (the origin's own overhead inside the slot:
 * timer lateness, GraphQL execution), which does not depend on the draws, so the shadow's
 * expectation stays exact given it. Null if the scaled queue would not be stable.
 */
export function shadowQueue(all: readonly Answer[], ratePerSecond: number, nominalServiceMs: number, servers: number): Shadow | null {
  const extra = all.reduce((a, x) => a + (x.svcMs - x.sleepMs), 0) / all.length;
  const scale = 1 + Math.max(0, extra) / nominalServiceMs;
  const serviceMeanMs = scale * nominalServiceMs;
  const arrivalsPerMs = ratePerSecond / 1000;
  const exact = mmc({ lambda: arrivalsPerMs, mu: 1 / serviceMeanMs, servers });
  if (exact.saturated) return null;
  const services = Float64Array.from(all, (x) => x.sleepMs * scale);
  const waits = replayFifo(Float64Array.from(all, (x) => x.scheduledAt), services, servers);
  const sojournMs = waits.map((w, i) => w + services[i]!);
  return { scale, serviceMeanMs, arrivalsPerMs, sojournMs, exact };
}

export const QUANTILES = [0.95, 0.99] as const;

export interface LevelCi {
  p95: ControlVariateCi;
  p99: ControlVariateCi;
  shadow: Omit<Shadow, 'sojournMs' | 'exact'> & { exactP95Ms: number; exactP99Ms: number };
}

/**
 * 90 % intervals of the observed p95/p99 over the answers scheduled from `from` on (the warm-up
 * before it still feeds the shadow queue, as it fed the origin). `controlVariance(n, shadow)` gives
 * the true sampling variance of the shadow's pooled p95 and p99 over n customers (ψ calibration).
 */
export function levelCi(
  all: readonly Answer[],
  from: number,
  ratePerSecond: number,
  nominalServiceMs: number,
  servers: number,
  batches: number,
  controlVariance: (n: number, shadow: Shadow) => readonly number[],
): LevelCi | null {
  const shadow = shadowQueue(all, ratePerSecond, nominalServiceMs, servers);
  if (!shadow) return null;
  const first = all.findIndex((x) => x.scheduledAt >= from);
  if (first < 0) return null;
  const y = Float64Array.from(all.slice(first), (x) => x.latencyMs);
  const x = shadow.sojournMs.subarray(first);
  const variance = controlVariance(y.length, shadow);
  const [p95, p99] = QUANTILES.map((p, j) =>
    controlVariateQuantileCi(y, x, shadow.exact.sojournQuantile(p), p, { batches, confidence: 0.9, controlSamplingVariance: variance[j] }),
  ) as [ControlVariateCi, ControlVariateCi];
  const { sojournMs: _s, exact, ...rest } = shadow;
  return { p95, p99, shadow: { ...rest, exactP95Ms: exact.sojournQuantile(0.95), exactP99Ms: exact.sojournQuantile(0.99) } };
}

/** Exact sampling variance of the shadow's pooled p95/p99 by simulation (see mmcQuantileSamplingVariance). */
export function simulatedControlVariance(n: number, shadow: Pick<Shadow, 'arrivalsPerMs' | 'serviceMeanMs'>, servers: number, warmup: number, replications: number, seed: number): number[] {
  return mmcQuantileSamplingVariance({ arrivalsPerMs: shadow.arrivalsPerMs, serviceMeanMs: shadow.serviceMeanMs, servers }, n, warmup, QUANTILES, replications, seed);
}

export interface ReplayCheck {
  /** Mean and p99 of the queue time the origin measured (gate wait). */
  observedMeanQueueMs: number;
  observedP99QueueMs: number;
  /** The same of the measured send times and service times replayed through an ideal FIFO c-server queue. */
  replayMeanQueueMs: number;
  replayP99QueueMs: number;
  /** Share of requests whose observed queue time differs from the replay by more than 1 ms. */
  shareOffByOver1Ms: number;
}

/**
 * Replays what was measured, the actual send times and each request's measured service time (svc),
 * through an ideal FIFO queue with c servers and compares its waits with the gate waits the origin
 * reported. A match means the origin is that queue and any model error lies in the model's inputs;
 * a mismatch means the origin is not the queue the model assumes. Send time stands in for gate
 * arrival (loopback and JWT verification, < 1 ms apart on a quiet machine).
 */
export function replayCheck(all: readonly Answer[], from: number, servers: number): ReplayCheck {
  const bySend = [...all].sort((a, b) => a.sentAt - b.sentAt);
  const waits = replayFifo(
    Float64Array.from(bySend, (x) => x.sentAt),
    Float64Array.from(bySend, (x) => x.svcMs),
    servers,
  );
  const observed: number[] = [];
  const replayed: number[] = [];
  let off = 0;
  bySend.forEach((x, i) => {
    if (x.scheduledAt < from) return;
    observed.push(x.queueMs);
    replayed.push(waits[i]!);
    if (Math.abs(x.queueMs - waits[i]!) > 1) off++;
  });
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const p99 = (v: number[]) => [...v].sort((a, b) => a - b)[Math.max(0, Math.ceil(0.99 * v.length) - 1)]!;
  return {
    observedMeanQueueMs: mean(observed),
    observedP99QueueMs: p99(observed),
    replayMeanQueueMs: mean(replayed),
    replayP99QueueMs: p99(replayed),
    shareOffByOver1Ms: off / observed.length,
  };
}
