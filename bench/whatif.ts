import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ensureDevSecrets, generateSecrets } from '@conductor/schema/auth/dev-keys';
import { mintToken } from '@conductor/schema/auth/tokens';
import {
  BacktestReportSchema,
  errorPct,
  originQuantilesWithOverhead,
  predict,
  simulate,
  type BacktestRow,
  type SimulationResult,
  type WhatIfInput,
  type WhatIfStable,
} from '@conductor/control-plane/queueing';
import manifest from '@conductor/example-origin/persisted-operations.json' with { type: 'json' };
import type { ServiceTimeModel } from '@conductor/example-origin/service-time';
import { keepAliveAgent, runOpenLoop, type OpenLoopRequest, type OpenLoopSample } from './open-loop.ts';
import { percentile } from './stats.ts';

// `npm run bench:whatif`: backtest of the what-if model against the real example origin.
// The origin runs alone in a child process behind its FIFO concurrency gate (c slots) with a random
// (seeded) service time; an open-loop Poisson generator drives it directly with a valid JWT at
// several load levels per operation. The lowest level fits the service time (mean, scv from the
// origin's Server-Timing `svc`) and the loopback overhead (latency − queue − svc, as a distribution);
// the model then predicts p95/p99 at every level from the measured arrival rate and burstiness alone.
// See docs/what-if.md for the method and how to read the table.
const env = process.env;
const SERVERS = Number(env.WHATIF_CONCURRENCY ?? 4);
const SERVICE_MS = Number(env.WHATIF_SERVICE_MS ?? 50);
const SERVICE_KIND = (env.WHATIF_SERVICE ?? 'exponential') as 'exponential' | 'lognormal';
const SERVICE_SCV = Number(env.WHATIF_SERVICE_SCV ?? 1);
const LEVELS = (env.WHATIF_LEVELS ?? '0.3,0.6,0.85').split(',').map(Number);
// 90 s: at ρ ≈ 0.85 a 30 s run's p99 carries ±16–27 % sampling noise (docs/what-if.md).
const DURATION_S = Number(env.WHATIF_DURATION_S ?? 90);
const WARMUP_S = Number(env.WHATIF_WARMUP_S ?? 3);
const OPS = (env.WHATIF_OPS ?? 'EntityById,Entities').split(',');
const SEED = Number(env.WHATIF_SEED ?? 1);
const SIM_CUSTOMERS = Number(env.WHATIF_SIM_CUSTOMERS ?? 400_000);
const NOISE_REPLICAS = Number(env.WHATIF_NOISE_REPLICAS ?? 20);
const TENANT = 'acme';
// Also: WHATIF_OUT (file name under bench/results/, default whatif.json), WHATIF_CONTROL_PLANE_URL (see postToControlPlane).

const serviceTime: ServiceTimeModel =
  SERVICE_KIND === 'lognormal' ? { distribution: 'lognormal', meanMs: SERVICE_MS, scv: SERVICE_SCV, seed: SEED } : { distribution: 'exponential', meanMs: SERVICE_MS, seed: SEED };

const VARIABLES: Record<string, (i: number) => Record<string, unknown>> = {
  EntityById: (i) => ({ id: String((i % 100) + 1) }),
  Entities: () => ({ limit: 10 }),
  Relationships: (i) => ({ entityId: String((i % 40) + 1) }),
};

interface LevelMeasurement {
  op: string;
  targetRho: number;
  targetRate: number;
  /** Arrivals actually sent per second in the measured window. */
  lambda: number;
  /** Squared coefficient of variation of the actual send gaps (1 = Poisson; timer granularity and stalls clump sends). */
  arrivalScv: number;
  samples: OpenLoopSample[];
  errors: number;
  errorKinds: Record<string, number>;
  non2xx: number;
}

interface Fit {
  op: string;
  serviceMeanMs: number;
  serviceScv: number;
  serviceSamplesMs: number[];
  overheadSamplesMs: number[];
  overheadMs: number;
  overheadP95Ms: number;
  overheadP99Ms: number;
  samples: number;
}

const loadavgAtStart = loadavg();
const startedAt = Date.now();
const secrets = await generateSecrets();
const token = await mintToken(secrets.privateJwk, { tenant: TENANT, sub: 'bench:whatif', ttl: '2h' });
const origin = await startOriginProcess();
const agent = keepAliveAgent();
const measurements: LevelMeasurement[] = [];
const fits = new Map<string, Fit>();
const levels = [...LEVELS].sort((a, b) => a - b);
try {
  for (const [opIndex, opName] of OPS.entries()) {
    const op = manifest.operations.find((o) => o.name === opName);
    const vars = VARIABLES[opName];
    if (!op || !vars) throw new Error(`unknown or unsupported operation ${opName}`);
    const makeRequest = (i: number): OpenLoopRequest => ({
      path: '/graphql',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: op.body, variables: vars(i) }),
    });
    for (const [levelIndex, rho] of levels.entries()) {
      // The lowest level runs at the nominal service time; the others at the rate that gives their ρ
      // under the service time fitted there (CPU contention makes the real one longer than nominal).
      const meanMs = fits.get(opName)?.serviceMeanMs ?? SERVICE_MS;
      const rate = (rho * SERVERS * 1000) / meanMs;
      log(`${opName}: ρ≈${rho} → ${rate.toFixed(1)} req/s open loop, ${WARMUP_S} s warm-up + ${DURATION_S} s`);
      const run = await runOpenLoop({
        url: origin.url,
        rate,
        durationMs: (WARMUP_S + DURATION_S) * 1000,
        seed: SEED * 1000 + opIndex * 100 + levelIndex,
        request: makeRequest,
        agent,
      });
      const from = run.startedAt + WARMUP_S * 1000;
      const samples = run.samples.filter((s) => s.scheduledAt >= from);
      const ok = samples.filter((s) => s.status === 200);
      const sent = samples.map((s) => s.scheduledAt + s.lagMs).sort((x, y) => x - y);
      const gaps = sent.slice(1).map((t, k) => t - sent[k]!);
      const gapMean = mean(gaps);
      const m: LevelMeasurement = {
        op: opName,
        targetRho: rho,
        targetRate: rate,
        lambda: samples.length / ((run.endedAt - from) / 1000),
        arrivalScv: gaps.reduce((a, g) => a + (g - gapMean) ** 2, 0) / (gaps.length - 1) / (gapMean * gapMean),
        samples: ok,
        errors: run.errors,
        errorKinds: run.errorKinds,
        non2xx: samples.length - ok.length,
      };
      if (run.errors > 0) log(`${opName} ρ≈${rho}: ${run.errors} failed requests ${JSON.stringify(run.errorKinds)}`);
      measurements.push(m);
      if (levelIndex === 0) fits.set(opName, fitFrom(m));
    }
  }
} finally {
  agent.destroy();
  await origin.stop();
}

function fitFrom(low: LevelMeasurement): Fit {
  const svc = low.samples.map((s) => s.svcMs).filter((v): v is number => v !== undefined);
  if (svc.length < 100) throw new Error(`${low.op}: only ${svc.length} Server-Timing samples at the lowest level`);
  const m = mean(svc);
  const variance = svc.reduce((a, b) => a + (b - m) ** 2, 0) / (svc.length - 1);
  const overhead = low.samples.map((s) => s.latencyMs - (s.queueMs ?? 0) - (s.svcMs ?? 0));
  const fit: Fit = {
    op: low.op,
    serviceMeanMs: m,
    serviceScv: variance / (m * m),
    serviceSamplesMs: svc,
    overheadSamplesMs: overhead,
    overheadMs: percentile(overhead, 50),
    overheadP95Ms: percentile(overhead, 95),
    overheadP99Ms: percentile(overhead, 99),
    samples: svc.length,
  };
  log(`${low.op} fit: service mean ${m.toFixed(2)} ms (p99 ${percentile(svc, 99).toFixed(1)}), scv ${fit.serviceScv.toFixed(3)}; overhead p50 ${fit.overheadMs.toFixed(2)} p99 ${fit.overheadP99Ms.toFixed(2)} ms`);
  return fit;
}

// ── analysis ────────────────────────────────────────────────────────────────
interface Detail {
  op: string;
  level: string;
  fitLevel: boolean;
  targetRho: number;
  lambda: number;
  arrivalScv: number;
  rho: number;
  n: number;
  errors: number;
  errorKinds: Record<string, number>;
  non2xx: number;
  sendLagP99Ms: number;
  observed: { p50: number; p95: number; p99: number; meanQueueMs: number; queueP99Ms: number; meanServiceMs: number };
  /** The reported prediction: Erlang C / Allen–Cunneen, measured overhead distribution convolved. */
  analytic: { model: string; p50: number; p95: number; p99: number; meanWaitMs: number };
  /** Same model with the overhead as one constant (its median at the fit level). */
  constantOverhead: { p95: number; p99: number; errorP95Pct: number; errorP99Pct: number };
  /**
   * Ex post: same model fed this level's own measured service mean and scv. Its error is the
   * queueing model's alone; the gap to the reported prediction is the drift of the service time
   * between the fit level and this one (CPU contention from other work, our own load).
   */
  expost: { serviceMeanMs: number; serviceScv: number; p95: number; p99: number; errorP95Pct: number; errorP99Pct: number };
  /** Same model assuming Poisson arrivals (c_a² = 1) instead of the measured send gaps. */
  poissonArrivals: { p95: number; p99: number; errorP95Pct: number; errorP99Pct: number };
  simulated: { p95: number; p99: number; meanWaitMs: number; errorP95Pct: number; errorP99Pct: number };
  /** 90 % range of p95/p99 over simulated runs as long as this one (± half-width, % of the long-run value). */
  noise: { p95Pct: number; p99Pct: number };
}

const rows: BacktestRow[] = [];
const details: Detail[] = [];
const saturatedLevels: Array<{ op: string; level: string; lambda: number; rho: number; observedP99Ms: number }> = [];
for (const m of measurements) {
  const fit = fits.get(m.op)!;
  const latency = m.samples.map((s) => s.latencyMs);
  const queue = m.samples.map((s) => s.queueMs ?? 0);
  const input: WhatIfInput = {
    arrival: { ratePerSecond: m.lambda, scv: m.arrivalScv },
    capacity: { instances: 1, concurrencyPerInstance: SERVERS },
    service: { meanMs: fit.serviceMeanMs, scv: fit.serviceScv, distribution: 'gamma' },
    overheadMs: fit.overheadMs,
  };
  const poisson: WhatIfInput = { ...input, arrival: { ratePerSecond: m.lambda } };
  const constant = predict(input);
  const poissonResult = originQuantilesWithOverhead(poisson, fit.overheadSamplesMs);
  const q = originQuantilesWithOverhead(input, fit.overheadSamplesMs);
  if (constant.saturated || !q || !poissonResult) {
    // The fitted model says this level cannot be served: no latency to compare, say so.
    saturatedLevels.push({ op: m.op, level: `rho-${m.targetRho.toFixed(2)}`, lambda: m.lambda, rho: constant.rho, observedP99Ms: percentile(latency, 99) });
    continue;
  }
  const a = constant as WhatIfStable;
  const own = m.samples.map((x) => x.svcMs ?? 0);
  const ownMean = mean(own);
  const ownScv = own.reduce((acc, x) => acc + (x - ownMean) ** 2, 0) / (own.length - 1) / (ownMean * ownMean);
  const expost = originQuantilesWithOverhead({ ...input, service: { meanMs: ownMean, scv: ownScv, distribution: 'gamma' } }, fit.overheadSamplesMs);
  const simOpts = { service: { kind: 'empirical', samplesMs: fit.serviceSamplesMs } as const, overheadSamplesMs: fit.overheadSamplesMs };
  const sim = simulate(input, { customers: SIM_CUSTOMERS, seed: SEED, ...simOpts }) as SimulationResult;
  const replicas = Array.from({ length: NOISE_REPLICAS }, (_, r) => simulate(input, { customers: latency.length, warmupCustomers: 2000, seed: 10_000 + r, ...simOpts }) as SimulationResult);
  const band = (values: number[], centre: number) => ((percentile(values, 95) - percentile(values, 5)) / 2 / centre) * 100;
  const observed = { p50: percentile(latency, 50), p95: percentile(latency, 95), p99: percentile(latency, 99) };
  const level = `rho-${m.targetRho.toFixed(2)}`;
  rows.push({
    op: m.op,
    level,
    lambda: round(m.lambda, 3),
    rho: round(a.rho, 4),
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
    lambda: m.lambda,
    arrivalScv: m.arrivalScv,
    rho: a.rho,
    n: latency.length,
    errors: m.errors,
    errorKinds: m.errorKinds,
    non2xx: m.non2xx,
    sendLagP99Ms: percentile(m.samples.map((s) => s.lagMs), 99),
    observed: { ...observed, meanQueueMs: mean(queue), queueP99Ms: percentile(queue, 99), meanServiceMs: mean(m.samples.map((s) => s.svcMs ?? 0)) },
    analytic: { model: a.model, p50: q.p50, p95: q.p95, p99: q.p99, meanWaitMs: a.meanWaitMs },
    constantOverhead: {
      p95: a.latencyMs.p95,
      p99: a.latencyMs.p99,
      errorP95Pct: errorPct(a.latencyMs.p95, observed.p95),
      errorP99Pct: errorPct(a.latencyMs.p99, observed.p99),
    },
    expost: expost
      ? {
          serviceMeanMs: ownMean,
          serviceScv: ownScv,
          p95: expost.p95,
          p99: expost.p99,
          errorP95Pct: errorPct(expost.p95, observed.p95),
          errorP99Pct: errorPct(expost.p99, observed.p99),
        }
      : { serviceMeanMs: ownMean, serviceScv: ownScv, p95: Number.NaN, p99: Number.NaN, errorP95Pct: Number.NaN, errorP99Pct: Number.NaN },
    poissonArrivals: {
      p95: poissonResult.p95,
      p99: poissonResult.p99,
      errorP95Pct: errorPct(poissonResult.p95, observed.p95),
      errorP99Pct: errorPct(poissonResult.p99, observed.p99),
    },
    simulated: {
      p95: sim.latencyMs.p95,
      p99: sim.latencyMs.p99,
      meanWaitMs: sim.meanWaitMs,
      errorP95Pct: errorPct(sim.latencyMs.p95, observed.p95),
      errorP99Pct: errorPct(sim.latencyMs.p99, observed.p99),
    },
    noise: {
      p95Pct: band(replicas.map((r) => r.latencyMs.p95), sim.latencyMs.p95),
      p99Pct: band(replicas.map((r) => r.latencyMs.p99), sim.latencyMs.p99),
    },
  });
}

const report = BacktestReportSchema.parse({ runAt: new Date(startedAt).toISOString(), rows });
const machine = { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, loadavgAtStart, loadavgAtEnd: loadavg() };
const settings = { servers: SERVERS, serviceTime, levels, durationSeconds: DURATION_S, warmupSeconds: WARMUP_S, ops: OPS, seed: SEED, simCustomers: SIM_CUSTOMERS, noiseReplicas: NOISE_REPLICAS };
const fitsOut = [...fits.values()].map(({ serviceSamplesMs: _s, overheadSamplesMs: _o, ...f }) => f);
console.log(table());
const outDir = fileURLToPath(new URL('./results/', import.meta.url));
await mkdir(outDir, { recursive: true });
const file = join(outDir, env.WHATIF_OUT ?? 'whatif.json');
await writeFile(file, `${JSON.stringify({ ...report, details: { benchmark: 'whatif', machine, settings, fits: fitsOut, levels: details, saturatedLevels, runtimeSeconds: (Date.now() - startedAt) / 1000 } }, null, 2)}\n`);
console.log(`\nJSON: ${file}`);
await postToControlPlane();

// ── helpers ─────────────────────────────────────────────────────────────────

function table(): string {
  const f = (v: number, d = 1) => v.toFixed(d);
  const pct = (v: number) => `${v >= 0 ? '+' : ''}${v.toFixed(1)}`;
  const pair = (a: number, b: number) => `${pct(a)}/${pct(b)}`.padStart(13);
  const head = `| ${'op'.padEnd(10)} | level     | λ/s    | c_a²  | ρ     | n     | obs p95 | obs p99 | pred p95 | pred p99 | err95 % | err99 % | svc ms | ex-post 95/99 | const-ovh 95/99 | poisson 95/99 | sim 95/99     | noise ± 95/99 |`;
  const maxAbs = (values: number[]) => f(Math.max(...values.map(Math.abs)));
  const lines = [
    '',
    `What-if backtest — example origin (graphql-yoga) alone in a child process, FIFO gate c = ${SERVERS}, service time ${SERVICE_KIND} mean ${SERVICE_MS} ms${SERVICE_KIND === 'lognormal' ? ` scv ${SERVICE_SCV}` : ''}`,
    `open-loop Poisson load over keep-alive HTTP on loopback, ${WARMUP_S} s warm-up + ${DURATION_S} s per level, all levels measured in this one run`,
    `prediction: Erlang C / Allen–Cunneen, gamma service with mean and scv fitted at the lowest level, measured send-gap c_a², overhead distribution measured at the lowest level convolved`,
    '',
    ...[...fits.values()].map(
      (x) => `fit ${x.op}: service mean ${f(x.serviceMeanMs, 2)} ms, scv ${f(x.serviceScv, 3)} (n = ${x.samples}); overhead (latency − queue − svc) p50 ${f(x.overheadMs, 2)} ms, p95 ${f(x.overheadP95Ms, 2)}, p99 ${f(x.overheadP99Ms, 2)}`,
    ),
    '',
    head,
    `|${head.slice(1, -1).replace(/[^|]/g, '-')}|`,
    ...details.map((d) => {
      const r = rows.find((x) => x.op === d.op && x.level === d.level)!;
      return `| ${d.op.padEnd(10)} | ${(d.level + (d.fitLevel ? '*' : '')).padEnd(9)} | ${f(d.lambda).padStart(6)} | ${f(d.arrivalScv, 2).padStart(5)} | ${f(d.rho, 3)} | ${String(d.n).padStart(5)} | ${f(d.observed.p95).padStart(7)} | ${f(d.observed.p99).padStart(7)} | ${f(r.predictedP95Ms).padStart(8)} | ${f(r.predictedP99Ms).padStart(8)} | ${pct(r.errorP95Pct).padStart(7)} | ${pct(r.errorP99Pct).padStart(7)} | ${f(d.expost.serviceMeanMs).padStart(6)} | ${pair(d.expost.errorP95Pct, d.expost.errorP99Pct)} | ${pair(d.constantOverhead.errorP95Pct, d.constantOverhead.errorP99Pct).padStart(15)} | ${pair(d.poissonArrivals.errorP95Pct, d.poissonArrivals.errorP99Pct)} | ${pair(d.simulated.errorP95Pct, d.simulated.errorP99Pct)} | ${`±${f(d.noise.p95Pct)}/±${f(d.noise.p99Pct)}`.padStart(13)} |`;
    }),
    '',
    `* fit level: service time and overhead are measured here, so its prediction is partly in-sample.`,
    `error % = (predicted − observed)/observed. svc: mean service time measured at this level. ex-post: the model fed that level's own service mean/scv — its error is the`,
    `queueing model's alone, the rest of the reported error is service-time drift since the fit. const-ovh: overhead as one constant (its median). poisson: c_a² = 1.`,
    `sim: discrete-event simulation resampling the measured service times and overheads. noise: ± half-width of the 90 % range of p95/p99 over ${NOISE_REPLICAS} simulated runs`,
    `as long as this one — the sampling error any observation of this length carries; errors inside it are indistinguishable from zero.`,
    `max |error| (reported prediction): p95 ${maxAbs(rows.map((r) => r.errorP95Pct))} %, p99 ${maxAbs(rows.map((r) => r.errorP99Pct))} %; excluding fit levels: p95 ${maxAbs(rows.filter((_, i) => !details[i]!.fitLevel).map((r) => r.errorP95Pct))} %, p99 ${maxAbs(rows.filter((_, i) => !details[i]!.fitLevel).map((r) => r.errorP99Pct))} %`,
    ...saturatedLevels.map((x) => `not predicted: ${x.op} ${x.level} at ${f(x.lambda)}/s — fitted ρ = ${f(x.rho, 3)} ≥ 1 (saturated); observed p99 ${f(x.observedP99Ms)} ms`),
    `failed requests: ${details.reduce((a, d) => a + d.errors + d.non2xx, 0)}; generator send lag p99 ≤ ${f(Math.max(...details.map((d) => d.sendLagP99Ms)), 2)} ms`,
    `${cpus().length} CPUs; load average ${loadavgAtStart.map((v) => v.toFixed(1)).join('/')} at start, ${loadavg().map((v) => v.toFixed(1)).join('/')} at end (other work on the machine inflates service times and overhead)`,
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
