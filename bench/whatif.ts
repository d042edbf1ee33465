import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ensureDevSecrets, generateSecrets } from '@conductor/schema/auth/dev-keys';
import { mintToken } from '@conductor/schema/auth/tokens';
import { BacktestReportSchema, errorPct, originQuantilesWithOverhead, type BacktestRow, type WhatIfInput } from '@conductor/control-plane/queueing';
import manifest from '@conductor/example-origin/persisted-operations.json' with { type: 'json' };
import type { ServiceTimeModel } from '@conductor/example-origin/service-time';
import type { OpenLoopRequest, OpenLoopSample } from './open-loop.ts';
import { runOpenLoopInThread } from './open-loop-thread.ts';
import { percentile } from './stats.ts';
import { answers, levelCi, replayCheck, simulatedControlVariance, type Answer, type LevelCi, type ReplayCheck, type Shadow } from './whatif-level.ts';

// `npm run bench:whatif [-- --quick]`: backtest of the what-if model against the real example origin.
// The origin runs alone in a child process behind its FIFO concurrency gate (c slots) with a seeded
// exponential service time; an open-loop Poisson generator drives it at several load levels per
// operation. The lowest level fits the service time (mean, scv of the origin's Server-Timing `svc`)
// and the loopback overhead (latency − queue − svc, as a distribution); the model then predicts
// p95/p99 at every level from the measured arrival rate and burstiness. Each level runs until the
// 90 % intervals of its observed p95 and p99 are within ±3 % (or its time cap): intervals from
// batched quantiles with a control variate, an exact M/M/c queue driven by the run's own arrivals
// and draws (bench/whatif-level.ts, control-plane/src/catalog/queueing/confidence.ts).
// See docs/what-if.md for the method and how to read the table.
const env = process.env;
const QUICK = process.argv.includes('--quick') || env.WHATIF_QUICK === '1';
const SERVERS = Number(env.WHATIF_CONCURRENCY ?? 4);
// 10 ms: short enough that the ≈ 10⁵ requests a ±3 % p99 needs at ρ = 0.85 fit in minutes, long
// enough that Node's 1 ms timer granularity and the ≈ 1 ms of GraphQL work inside the slot stay a
// small, measured part of it (docs/what-if.md, "Service-time scale").
const SERVICE_MS = Number(env.WHATIF_SERVICE_MS ?? 10);
const LEVELS = (env.WHATIF_LEVELS ?? '0.3,0.6,0.85').split(',').map(Number);
const OPS = (env.WHATIF_OPS ?? 'EntityById,Entities').split(',');
const SEED = Number(env.WHATIF_SEED ?? 1);
/** Relative half-width the 90 % intervals of p95 and p99 must reach. */
const TARGET = Number(env.WHATIF_TARGET_PCT ?? 3) / 100;
const BATCHES = 8;
/**
 * Per level: the least batch length (requests) before the target may stop a run, and the time cap.
 * The batch lengths are those whose interval coverage confidence.test.ts checks (4000 at ρ = 0.85,
 * 1000 at 0.6); the caps keep the full run under 30 minutes. Quick mode: development only.
 */
const minBatch = (rho: number) => (QUICK ? 500 : rho >= 0.8 ? 4000 : 1000);
const capSeconds = (rho: number) => Number(env.WHATIF_CAP_S ?? (QUICK ? (rho >= 0.8 ? 50 : 20) : rho >= 0.8 ? 420 : rho >= 0.5 ? 150 : 120));
const CHECK_EVERY_MS = 10_000;
const TENANT = 'acme';
// Also: WHATIF_OUT (file name under bench/results/, default whatif.json, whatif-quick.json in quick mode), WHATIF_CONTROL_PLANE_URL (see postToControlPlane).

const serviceTime: ServiceTimeModel = { distribution: 'exponential', meanMs: SERVICE_MS, seed: SEED };

const VARIABLES: Record<string, (i: number) => Record<string, unknown>> = {
  EntityById: (i) => ({ id: String((i % 100) + 1) }),
  Entities: () => ({ limit: 10 }),
  Relationships: (i) => ({ entityId: String((i % 40) + 1) }),
};
// Every VARIABLES entry repeats with a period dividing this: request i is request i % REQUEST_PERIOD.
const REQUEST_PERIOD = 200;

interface LevelMeasurement {
  op: string;
  targetRho: number;
  /** The Poisson schedule's rate, req/s. */
  rate: number;
  /** Arrivals actually sent per second in the measured window. */
  lambda: number;
  /** Squared coefficient of variation of the actual send gaps (1 = Poisson; timer granularity and stalls clump sends). */
  arrivalScv: number;
  warmupSeconds: number;
  measuredSeconds: number;
  /** Scheduled time from which answers count (after the warm-up). */
  from: number;
  all: Answer[];
  measured: Answer[];
  errors: number;
  errorKinds: Record<string, number>;
  failed: number;
  loadavg: number;
}

interface Fit {
  op: string;
  serviceMeanMs: number;
  serviceScv: number;
  overheadSamplesMs: number[];
  overheadMs: number;
  overheadP99Ms: number;
  samples: number;
}

const loadavgAtStart = loadavg();
const startedAt = Date.now();
const secrets = await generateSecrets();
const token = await mintToken(secrets.privateJwk, { tenant: TENANT, sub: 'bench:whatif', ttl: '2h' });
const origin = await startOriginProcess();
// Ctrl-C or a timeout must not leave the origin child running.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void origin.stop().finally(() => process.exit(130)));
const measurements: LevelMeasurement[] = [];
const fits = new Map<string, Fit>();
const levels = [...LEVELS].sort((a, b) => a - b);
try {
  for (const [opIndex, opName] of OPS.entries()) {
    const op = manifest.operations.find((o) => o.name === opName);
    const vars = VARIABLES[opName];
    if (!op || !vars) throw new Error(`unknown or unsupported operation ${opName}`);
    const requests = Array.from(
      { length: REQUEST_PERIOD },
      (_, i): OpenLoopRequest => ({
        path: '/graphql',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: op.body, variables: vars(i) }),
      }),
    );
    // JIT and JWKS warm-up, outside any measurement; its service times set the first level's rate.
    const pilot = answers((await runOpenLoopInThread({ url: origin.url, rate: 50, durationMs: 4000, seed: SEED * 1000 + opIndex * 100 + 99, requests })).samples);
    const pilotMeanMs = mean(pilot.slice(Math.floor(pilot.length / 2)).map((x) => x.svcMs));
    for (const [levelIndex, rho] of levels.entries()) {
      // Every level runs at the rate that gives its ρ under the service time measured so far: the
      // pilot's for the lowest, the fit's above it (the real service time is longer than the draw:
      // timer lateness, GraphQL work, a busy machine).
      const meanMs = fits.get(opName)?.serviceMeanMs ?? (Number.isFinite(pilotMeanMs) ? pilotMeanMs : SERVICE_MS);
      const rate = (rho * SERVERS * 1000) / meanMs;
      // Warm-up: 20 relaxation times of the queue, 1/(μ(√c − √a)²), so it starts near steady state.
      const relaxationMs = meanMs / (SERVERS * (1 - Math.sqrt(Math.min(rho, 0.97))) ** 2);
      const warmupSeconds = Math.max(3, (20 * relaxationMs) / 1000);
      const minMeasured = BATCHES * minBatch(rho);
      const cap = capSeconds(rho);
      // Stop rule: enough requests, then both intervals within the target. The shadow's sampling
      // variance for the check is scaled from one simulated at the planned length (the exact one is
      // recomputed after the run, when no load is running).
      const warmupCustomers = Math.round(rate * warmupSeconds);
      const refVariance = simulatedControlVariance(minMeasured, { arrivalsPerMs: rate / 1000, serviceMeanMs: meanMs }, SERVERS, warmupCustomers, 40, SEED + 7);
      let from = Number.NaN;
      let lastCheck: LevelCi | null = null;
      const check = (samples: readonly OpenLoopSample[], oldest: number): boolean => {
        const done = answers(samples.filter((s) => s.scheduledAt < oldest));
        const n = done.filter((x) => x.scheduledAt >= from).length;
        if (!(n >= minMeasured)) return false;
        lastCheck = levelCi(done, from, rate, SERVICE_MS, SERVERS, BATCHES, (m) => refVariance.map((v) => (v * minMeasured) / m));
        return lastCheck !== null && lastCheck.p95.relHalfWidth <= TARGET && lastCheck.p99.relHalfWidth <= TARGET;
      };
      log(`${opName}: ρ≈${rho} → ${rate.toFixed(1)} req/s open loop, ${warmupSeconds.toFixed(1)} s warm-up, then until ±${TARGET * 100} % (≥ ${minMeasured} requests, ≤ ${cap} s)`);
      const run = await runOpenLoopInThread({
        url: origin.url,
        rate,
        durationMs: (warmupSeconds + cap) * 1000,
        seed: SEED * 1000 + opIndex * 100 + levelIndex,
        requests,
        stop: {
          everyMs: CHECK_EVERY_MS,
          check: (samples, oldest) => {
            if (Number.isNaN(from)) from = runStart(samples) + warmupSeconds * 1000;
            return check(samples, oldest);
          },
        },
      });
      from = run.startedAt + warmupSeconds * 1000;
      const all = answers(run.samples);
      const measured = all.filter((x) => x.scheduledAt >= from);
      const sent = measured.map((x) => x.sentAt).sort((x, y) => x - y);
      const gaps = sent.slice(1).map((t, k) => t - sent[k]!);
      const gapMean = mean(gaps);
      const m: LevelMeasurement = {
        op: opName,
        targetRho: rho,
        rate,
        lambda: run.samples.filter((x) => x.scheduledAt >= from).length / ((run.endedAt - from) / 1000),
        arrivalScv: gaps.reduce((a, g) => a + (g - gapMean) ** 2, 0) / (gaps.length - 1) / (gapMean * gapMean),
        warmupSeconds,
        measuredSeconds: (run.endedAt - from) / 1000,
        from,
        all,
        measured,
        errors: run.errors,
        errorKinds: run.errorKinds,
        failed: run.samples.length - all.length,
        loadavg: loadavg()[0]!,
      };
      if (run.errors > 0 || m.failed > 0) log(`${opName} ρ≈${rho}: ${run.errors} failed requests ${JSON.stringify(run.errorKinds)}, ${m.failed} answers without status 200 and Server-Timing`);
      log(`${opName} ρ≈${rho}: ${measured.length} requests in ${m.measuredSeconds.toFixed(0)} s; last check ±${lastCheck ? `${pct1((lastCheck as LevelCi).p95.relHalfWidth)}/${pct1((lastCheck as LevelCi).p99.relHalfWidth)}` : '–'} %; load average ${m.loadavg.toFixed(1)}`);
      measurements.push(m);
      if (levelIndex === 0) fits.set(opName, fitFrom(m));
    }
  }
} finally {
  await origin.stop();
}

/** The open loop's start on the performance clock, from its first scheduled request (its first gap is ≪ the warm-up). */
function runStart(samples: readonly OpenLoopSample[]): number {
  let first = Number.POSITIVE_INFINITY;
  for (const s of samples) first = Math.min(first, s.scheduledAt);
  return first;
}

function fitFrom(low: LevelMeasurement): Fit {
  const svc = low.measured.map((s) => s.svcMs);
  if (svc.length < 100) throw new Error(`${low.op}: only ${svc.length} Server-Timing samples at the lowest level`);
  const m = mean(svc);
  const variance = svc.reduce((a, b) => a + (b - m) ** 2, 0) / (svc.length - 1);
  const overhead = low.measured.map((s) => s.latencyMs - s.queueMs - s.svcMs);
  const fit: Fit = {
    op: low.op,
    serviceMeanMs: m,
    serviceScv: variance / (m * m),
    overheadSamplesMs: overhead,
    overheadMs: percentile(overhead, 50),
    overheadP99Ms: percentile(overhead, 99),
    samples: svc.length,
  };
  log(`${low.op} fit: service mean ${m.toFixed(3)} ms (p99 ${percentile(svc, 99).toFixed(1)}), scv ${fit.serviceScv.toFixed(3)}; overhead p50 ${fit.overheadMs.toFixed(2)} p99 ${fit.overheadP99Ms.toFixed(2)} ms`);
  return fit;
}

// ── analysis ────────────────────────────────────────────────────────────────
interface Detail {
  op: string;
  level: string;
  fitLevel: boolean;
  targetRho: number;
  rate: number;
  lambda: number;
  arrivalScv: number;
  /** ρ under the fitted service time (what the model is told) and under this level's own. */
  rho: number;
  rhoOwn: number;
  n: number;
  warmupSeconds: number;
  measuredSeconds: number;
  batches: number;
  targetReached: boolean;
  errors: number;
  failed: number;
  loadavg: number;
  sendLagP99Ms: number;
  observed: {
    p95: number;
    p99: number;
    p95HalfWidthPct: number;
    p99HalfWidthPct: number;
    /** 'batched' where the control did not narrow the interval and the plain batched one is reported. */
    methodP95: string;
    methodP99: string;
    /** Without the control: the pooled quantile and its (ψ-widened) batched interval. */
    rawP95: number;
    rawP99: number;
    rawP95HalfWidthPct: number;
    rawP99HalfWidthPct: number;
    meanServiceMs: number;
    serviceScv: number;
    meanOverheadMs: number;
    overheadP99Ms: number;
  };
  control: LevelCi['shadow'] & { betaP95: number; betaP99: number; correlationP95: number; correlationP99: number; inflationP95: number; inflationP99: number };
  /** The reported prediction: Erlang C / Allen–Cunneen with the fit level's service time and overhead distribution. */
  predicted: { model: string; p95: number; p99: number };
  /** Ex post: the same model fed this level's own service mean/scv and overhead: the queueing model's error alone. */
  expost: { p95: number; p99: number; errorP95Pct: number; errorP99Pct: number };
  replay: ReplayCheck;
}

const rows: BacktestRow[] = [];
const details: Detail[] = [];
const saturatedLevels: Array<{ op: string; level: string; lambda: number; rho: number }> = [];
for (const m of measurements) {
  const fit = fits.get(m.op)!;
  const level = `rho-${m.targetRho.toFixed(2)}`;
  const input: WhatIfInput = {
    arrival: { ratePerSecond: m.lambda, scv: m.arrivalScv },
    capacity: { instances: 1, concurrencyPerInstance: SERVERS },
    service: { meanMs: fit.serviceMeanMs, scv: fit.serviceScv, distribution: 'gamma' },
  };
  const own = m.measured.map((x) => x.svcMs);
  const ownMean = mean(own);
  const ownScv = own.reduce((a, x) => a + (x - ownMean) ** 2, 0) / (own.length - 1) / (ownMean * ownMean);
  const ownOverhead = m.measured.map((x) => x.latencyMs - x.queueMs - x.svcMs);
  const q = originQuantilesWithOverhead(input, fit.overheadSamplesMs);
  const expost = originQuantilesWithOverhead({ ...input, service: { meanMs: ownMean, scv: ownScv, distribution: 'gamma' } }, ownOverhead);
  const rho = (m.lambda * fit.serviceMeanMs) / 1000 / SERVERS;
  const warmupCustomers = m.all.length - m.measured.length;
  const ci = levelCi(m.all, m.from, m.rate, SERVICE_MS, SERVERS, BATCHES, (n: number, shadow: Shadow) => simulatedControlVariance(n, shadow, SERVERS, warmupCustomers, 100, SEED + 11));
  if (!q || !ci) {
    saturatedLevels.push({ op: m.op, level, lambda: m.lambda, rho });
    continue;
  }
  const observed = { p95: ci.p95.estimate, p99: ci.p99.estimate };
  rows.push({
    op: m.op,
    level,
    lambda: round(m.lambda, 3),
    rho: round(rho, 4),
    observedP95Ms: round(observed.p95, 3),
    observedP99Ms: round(observed.p99, 3),
    predictedP95Ms: round(q.p95, 3),
    predictedP99Ms: round(q.p99, 3),
    errorP95Pct: round(errorPct(q.p95, observed.p95), 2),
    errorP99Pct: round(errorPct(q.p99, observed.p99), 2),
  });
  details.push({
    op: m.op,
    level,
    fitLevel: m.targetRho === levels[0],
    targetRho: m.targetRho,
    rate: m.rate,
    lambda: m.lambda,
    arrivalScv: m.arrivalScv,
    rho,
    rhoOwn: (m.lambda * ownMean) / 1000 / SERVERS,
    n: m.measured.length,
    warmupSeconds: m.warmupSeconds,
    measuredSeconds: m.measuredSeconds,
    batches: BATCHES,
    targetReached: ci.p95.relHalfWidth <= TARGET && ci.p99.relHalfWidth <= TARGET,
    errors: m.errors,
    failed: m.failed,
    loadavg: m.loadavg,
    sendLagP99Ms: percentile(
      m.measured.map((x) => x.sentAt - x.scheduledAt),
      99,
    ),
    observed: {
      ...observed,
      p95HalfWidthPct: ci.p95.relHalfWidth * 100,
      p99HalfWidthPct: ci.p99.relHalfWidth * 100,
      methodP95: ci.p95.method,
      methodP99: ci.p99.method,
      rawP95: ci.p95.raw.estimate,
      rawP99: ci.p99.raw.estimate,
      rawP95HalfWidthPct: ci.p95.raw.relHalfWidth * 100,
      rawP99HalfWidthPct: ci.p99.raw.relHalfWidth * 100,
      meanServiceMs: ownMean,
      serviceScv: ownScv,
      meanOverheadMs: mean(ownOverhead),
      overheadP99Ms: percentile(ownOverhead, 99),
    },
    control: {
      ...ci.shadow,
      betaP95: ci.p95.control.beta,
      betaP99: ci.p99.control.beta,
      correlationP95: ci.p95.control.correlation,
      correlationP99: ci.p99.control.correlation,
      inflationP95: ci.p95.control.inflation,
      inflationP99: ci.p99.control.inflation,
    },
    predicted: { model: fit.serviceScv === 1 && m.arrivalScv === 1 ? 'M/M/c' : 'G/G/c Allen-Cunneen', p95: q.p95, p99: q.p99 },
    expost: expost
      ? { p95: expost.p95, p99: expost.p99, errorP95Pct: errorPct(expost.p95, observed.p95), errorP99Pct: errorPct(expost.p99, observed.p99) }
      : { p95: Number.NaN, p99: Number.NaN, errorP95Pct: Number.NaN, errorP99Pct: Number.NaN },
    replay: replayCheck(m.all, m.from, SERVERS),
  });
}

const report = BacktestReportSchema.parse({ runAt: new Date(startedAt).toISOString(), rows });
const machine = { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, loadavgAtStart, loadavgAtEnd: loadavg() };
const settings = { quick: QUICK, servers: SERVERS, serviceTime, levels, ops: OPS, seed: SEED, targetHalfWidthPct: TARGET * 100, confidence: 0.9, batches: BATCHES, minBatch: levels.map(minBatch), capSeconds: levels.map(capSeconds) };
const fitsOut = [...fits.values()].map(({ overheadSamplesMs: _o, ...f }) => f);
const runtimeSeconds = (Date.now() - startedAt) / 1000;
console.log(table());
const outDir = fileURLToPath(new URL('./results/', import.meta.url));
await mkdir(outDir, { recursive: true });
const file = join(outDir, env.WHATIF_OUT ?? (QUICK ? 'whatif-quick.json' : 'whatif.json'));
await writeFile(file, `${JSON.stringify({ ...report, details: { benchmark: 'whatif', machine, settings, fits: fitsOut, levels: details, saturatedLevels, runtimeSeconds } }, null, 2)}\n`);
console.log(`\nJSON: ${file}`);
// A quick run is not a backtest: it never reaches the control plane's history.
if (!QUICK) await postToControlPlane();

// ── helpers ─────────────────────────────────────────────────────────────────

function pct1(v: number): string {
  return (v * 100).toFixed(1);
}

function table(): string {
  const f = (v: number, d = 1) => v.toFixed(d);
  const pct = (v: number) => `${v >= 0 ? '+' : ''}${v.toFixed(1)}`;
  const pair = (a: number, b: number) => `${pct(a)}/${pct(b)}`;
  const head = [
    'op'.padEnd(10),
    'level    ',
    '   λ/s',
    'ρ    ',
    '     n',
    'run s',
    'obs p95 ± %    ',
    'obs p99 ± %    ',
    'pred p95',
    'pred p99',
    'err95 %',
    'err99 %',
    '±3 %',
    'ex-post 95/99',
    'svc ms',
    'queue obs/replay',
  ];
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const maxAbs = (values: number[]) => (values.length ? f(Math.max(...values.map(Math.abs))) : '–');
  const nonFit = rows.filter((_, i) => !details[i]!.fitLevel);
  // A machine busier than its cores stretches the origin's service times and overheads by whole
  // multiples (CPU starvation): the run then measures the machine, not the model.
  const busiest = Math.max(loadavgAtStart[0]!, ...details.map((d) => d.loadavg));
  const stretch = Math.max(...details.map((d) => d.observed.meanServiceMs / SERVICE_MS));
  const busy = busiest > cpus().length || stretch > 1.3;
  const lines = [
    '',
    ...(busy
      ? [
          `BUSY MACHINE — load average up to ${busiest.toFixed(1)} on ${cpus().length} CPUs, service times up to ${stretch.toFixed(2)}× the ${SERVICE_MS} ms draws: the origin was CPU-starved, so this run`,
          `describes the machine more than the model. Rerun on a quiet machine (load average well under the number of CPUs) to decide.`,
          '',
        ]
      : []),
    ...(QUICK ? ['QUICK MODE — development only: short runs, intervals wider than the ±3 % target. Not a backtest result; run without --quick for one.', ''] : []),
    `What-if backtest — example origin (graphql-yoga) alone in a child process, FIFO gate c = ${SERVERS}, exponential service time, nominal mean ${SERVICE_MS} ms`,
    `open-loop Poisson load over keep-alive HTTP on loopback; each level runs until the 90 % intervals of its observed p95 and p99 are within ±${TARGET * 100} % (≥ ${BATCHES} batches of ${levels.map(minBatch).join('/')} requests, ≤ ${levels.map(capSeconds).join('/')} s)`,
    `prediction: Erlang C / Allen–Cunneen, gamma service with mean and scv fitted at the lowest level, measured send-gap c_a², overhead distribution measured at the lowest level convolved`,
    '',
    ...[...fits.values()].map(
      (x) => `fit ${x.op}: service mean ${f(x.serviceMeanMs, 3)} ms, scv ${f(x.serviceScv, 3)} (n = ${x.samples}); overhead (latency − queue − svc) p50 ${f(x.overheadMs, 2)} ms, p99 ${f(x.overheadP99Ms, 2)}`,
    ),
    '',
    line(head),
    `|${line(head).slice(1, -1).replace(/[^|]/g, '-')}|`,
    ...details.map((d, i) => {
      const r = rows[i]!;
      return line([
        d.op.padEnd(10),
        (d.level + (d.fitLevel ? '*' : '')).padEnd(9),
        f(d.lambda).padStart(6),
        f(d.rho, 3),
        String(d.n).padStart(6),
        f(d.measuredSeconds, 0).padStart(5),
        `${f(d.observed.p95, 2)} ±${f(d.observed.p95HalfWidthPct)}${d.observed.methodP95 === 'batched' ? '†' : ''}`.padEnd(15),
        `${f(d.observed.p99, 2)} ±${f(d.observed.p99HalfWidthPct)}${d.observed.methodP99 === 'batched' ? '†' : ''}`.padEnd(15),
        f(r.predictedP95Ms, 2).padStart(8),
        f(r.predictedP99Ms, 2).padStart(8),
        pct(r.errorP95Pct).padStart(7),
        pct(r.errorP99Pct).padStart(7),
        (d.targetReached ? 'yes' : 'no').padEnd(4),
        pair(d.expost.errorP95Pct, d.expost.errorP99Pct).padStart(13),
        f(d.observed.meanServiceMs, 2).padStart(6),
        `${f(d.replay.observedMeanQueueMs, 2)}/${f(d.replay.replayMeanQueueMs, 2)}`.padStart(16),
      ]);
    }),
    '',
    `* fit level: service time and overhead are measured here, so its prediction is partly in-sample.`,
    `obs: observed p95/p99 (ms) with the half-width of its 90 % interval in % — ${BATCHES} batched quantiles, a control variate (an exact M/M/c queue fed this run's own`,
    `arrivals and service draws) and its calibration; † where the control did not help and the plain batched interval is given. ±3 %: whether both intervals`,
    `reached the target. error % = (predicted − observed)/observed.`,
    `ex-post: the model fed this level's own service mean/scv and overhead: its error is the queueing model's alone, the rest of the reported error is input drift.`,
    `svc: mean service time measured at this level. queue obs/replay: mean gate wait the origin reported / the measured send and service times replayed through an ideal FIFO c-server queue.`,
    `max |error|: p95 ${maxAbs(rows.map((r) => r.errorP95Pct))} %, p99 ${maxAbs(rows.map((r) => r.errorP99Pct))} %; excluding fit levels: p95 ${maxAbs(nonFit.map((r) => r.errorP95Pct))} %, p99 ${maxAbs(nonFit.map((r) => r.errorP99Pct))} %; intervals on target: ${details.filter((d) => d.targetReached).length}/${details.length}`,
    ...saturatedLevels.map((x) => `not predicted: ${x.op} ${x.level} at ${f(x.lambda)}/s — fitted ρ = ${f(x.rho, 3)} ≥ 1 (saturated)`),
    `failed requests: ${details.reduce((a, d) => a + d.errors + d.failed, 0)}; generator send lag p99 ≤ ${f(Math.max(...details.map((d) => d.sendLagP99Ms)), 2)} ms`,
    `${cpus().length} CPUs; load average ${loadavgAtStart.map((v) => v.toFixed(1)).join('/')} at start, ${details.map((d) => d.loadavg.toFixed(1)).join(', ')} after each level, ${loadavg().map((v) => v.toFixed(1)).join('/')} at end (other work on the machine stretches service times)`,
    `run time ${f(runtimeSeconds / 60)} min${QUICK ? ' (quick mode)' : ''}`,
  ];
  return lines.join('\n');
}

async function startOriginProcess(): Promise<{ url: string; stop(): Promise<void> }> {
  const config = { publicJwk: secrets.publicJwk, concurrencyLimit: SERVERS, serviceTime };
  const script = fileURLToPath(new URL('./whatif-origin.ts', import.meta.url));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('origin did not start within 30 s')), 30_000);
    child.once('exit', (code) => reject(new Error(`origin exited with ${code}`)));
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      resolve((JSON.parse(line) as { url: string }).url);
    });
  });
  return {
    url,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * Posts { runAt, rows } to POST /v1/catalog/backtests when a control plane is reachable: the one at
 * WHATIF_CONTROL_PLANE_URL, else the `npm start` default on 127.0.0.1:8788. The token is minted
 * with the dev key of CONDUCTOR_DATA_DIR (./.data), i.e. the key that control plane trusts.
 */
async function postToControlPlane(): Promise<void> {
  const base = env.WHATIF_CONTROL_PLANE_URL ?? 'http://127.0.0.1:8788';
  try {
    const health = await fetch(new URL('/healthz', base), { signal: AbortSignal.timeout(1000) });
    if (!health.ok) throw new Error(`health ${health.status}`);
  } catch {
    log(`no control plane at ${base}: results only in the JSON file`);
    return;
  }
  const dev = await ensureDevSecrets();
  const adminToken = await mintToken(dev.privateJwk, { tenant: 'conductor', sub: 'bench:whatif', roles: ['platform-admin'], scopes: ['admin.write', 'admin.read'], ttl: '10m' });
  const res = await fetch(new URL('/v1/catalog/backtests', base), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
    body: JSON.stringify(report),
  });
  log(`POST ${base}/v1/catalog/backtests → ${res.status} ${await res.text()}`);
}

function mean(values: number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN;
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

function log(message: string): void {
  console.error(`[whatif] ${message}`);
}
