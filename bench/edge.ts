import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EDGE_SERVICE_TOKEN, startStack } from '../scripts/stack.ts';
import { ENTITY, fullQueryRequests, MIX, persistedRequests, TENANT } from './edge-mix.ts';
import { startWorkerdHarness, WORKERD_HARNESS, type BundleSize, type CacheApiCalls, type WorkerdHarness } from './harness/workerd.ts';
import type { LoadRequest, LoadResult } from './load.ts';
import { startLoadRunner, type LoadRunner } from './load-runner.ts';
import { spawnPeer, type PeerProcess } from './peer/spawn.ts';
import { measurePurgeVisibility, type PurgeVisibility } from './purge-visibility.ts';
import { percentile } from './stats.ts';

// `npm run bench:edge` (see docs/benchmarks.md): in one run, on loopback, at a steady rate and at
// the most each system sustains: the origin direct, the edge (warm) under plain `workerd serve`, the
// peer (graphql-yoga + response cache, warm), and a constant-response worker in the edge's own
// workerd (the harness ceiling); then purge-to-visible latency while load keeps running.
const SMOKE = process.argv.includes('--smoke');
const envNum = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const RATE = envNum('BENCH_RATE', 300);
const DURATION_S = envNum('BENCH_DURATION_S', SMOKE ? 2 : 20);
const MAX_DURATION_S = envNum('BENCH_MAX_DURATION_S', DURATION_S);
const PURGES = envNum('BENCH_PURGES', SMOKE ? 20 : 200);
// Closed loop at the max rate: this many connections, each with one request in flight.
const MAX_CONNECTIONS = envNum('BENCH_MAX_CONNECTIONS', 32);
// Also measure the edge through wrangler's miniflare (the harness `npm start` and the tests use).
const MINIFLARE_ROWS = process.env.BENCH_MINIFLARE ? process.env.BENCH_MINIFLARE !== '0' : !SMOKE;
const ORIGIN_LATENCY_MS = 30;
// autocannon keeps one request in flight per connection: enough connections that a slow response
// never holds the offered rate below the target (32 connections cap 300 req/s at ~100 ms latency).
const CONNECTIONS = 100;
const MINIFLARE_HARNESS = 'miniflare socket';
// Rows whose hit ratio means something (the ceiling only mimics a hit's headers).
const CACHING = new Set(['edge', 'peer', 'edgeMiniflare', 'edgeUnderPurges']);

// Purge targets stay outside the load mix: only the probe fills and reads them.
const PURGE_TARGETS = Array.from({ length: 39 }, (_, i) => String(i + 61));

type Offered = number | 'max';
interface System {
  key: string;
  name: string;
  harness: string;
  url: string;
  requests: LoadRequest[];
  /** Brings the cache to steady state before each phase (entries have 30–60 s TTLs). */
  warm?: () => Promise<void>;
  rates: Offered[];
}
interface Row {
  key: string;
  system: string;
  harness: string;
  offered: Offered;
  connections: number;
  durationSeconds: number;
  result: LoadResult;
  /** Edge under workerd only: its Cache API calls during the phase (warm-up excluded). */
  cacheApiCalls?: Omit<CacheApiCalls, 'entries'>;
  /** Rows served by the workerd harness: workerd's CPU time (all threads) per response, µs. */
  workerdCpuUsPerRequest?: number;
}

const loadavgAtStart = loadavg();
const dataDir = await mkdtemp(join(tmpdir(), 'conductor-bench-'));
log('starting control plane, origin and the edge under wrangler (miniflare)');
const stack = await startStack({ dataDir, pglitePath: 'memory://', originLatencyMs: ORIGIN_LATENCY_MS });
let harness: WorkerdHarness | undefined;
let peer: PeerProcess | undefined;
let load: LoadRunner | undefined;
let cleaning: Promise<void> | undefined;
// workerd, the peer and the load generator are child processes: stop them on every way out.
const cleanup = () =>
  (cleaning ??= (async () => {
    await load?.close().catch((err) => console.error('[bench] load runner stop failed:', err));
    await peer?.stop().catch((err) => console.error('[bench] peer stop failed:', err));
    await harness?.stop().catch((err) => console.error('[bench] workerd stop failed:', err));
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  })());
// wrangler's own signal handler may process.exit() before an async cleanup finishes: kill the
// children synchronously first (prepended, so this runs before it), and again on any exit.
const killChildren = () => {
  load?.killNow();
  peer?.killNow();
  harness?.killNow();
};
process.once('exit', killChildren);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.prependOnceListener(signal, () => {
    log(`${signal}: stopping`);
    killChildren();
    void cleanup().finally(() => process.exit(130));
  });
}
try {
  load = await startLoadRunner();
  const token = await stack.token({ tenant: TENANT });
  const persisted = persistedRequests(token);
  const fullQuery = fullQueryRequests(token);

  // The ceiling answers with a body the size of a typical hit: the median over the mix.
  const bodySizes = await Promise.all(
    fullQuery.map(async (r) => (await (await fetch(`${stack.originUrl}${r.path}`, { method: r.method, headers: r.headers, body: r.body })).arrayBuffer()).byteLength),
  );
  const hitBodyBytes = percentile(bodySizes, 50);

  log(`starting plain workerd (edge + constant-response worker, ${hitBodyBytes}-byte body) and the yoga peer`);
  const controlPlaneToken = await stack.token(EDGE_SERVICE_TOKEN);
  const started = await Promise.allSettled([
    startWorkerdHarness({
      controlPlaneUrl: stack.controlPlaneUrl,
      originUrl: stack.originUrl,
      purgeSecret: stack.secrets.purgeSecret,
      controlPlaneToken,
      ceilingBodyBytes: hitBodyBytes,
    }).then((h) => (harness = h)),
    spawnPeer({ jwksUrl: `${stack.controlPlaneUrl}/.well-known/jwks.json`, latencyMs: ORIGIN_LATENCY_MS }).then((p) => (peer = p)),
  ]);
  for (const s of started) if (s.status === 'rejected') throw s.reason;
  if (!harness || !peer) throw new Error('unreachable: harness and peer started');

  const warmer = (url: string, requests: LoadRequest[], expectHit: boolean) => async () => {
    for (const r of requests) {
      const res = await fetch(`${url}${r.path}`, { method: r.method, headers: r.headers, body: r.body });
      if (res.status !== 200) throw new Error(`warm-up of ${url} failed: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    }
    if (!expectHit) return;
    const probe = requests[0]!;
    const res = await fetch(`${url}${probe.path}`, { method: probe.method, headers: probe.headers, body: probe.body });
    await res.arrayBuffer();
    if (res.headers.get('x-cache') !== 'HIT') throw new Error(`${url} not warm after warm-up (x-cache ${res.headers.get('x-cache')})`);
  };

  const systems: System[] = [
    { key: 'origin', name: 'origin direct', harness: 'Node (examples/origin)', url: stack.originUrl, requests: fullQuery, rates: [RATE, 'max'] },
    {
      key: 'edge',
      name: 'edge, warm',
      harness: WORKERD_HARNESS,
      url: harness.edgeUrl,
      requests: persisted,
      warm: warmer(harness.edgeUrl, persisted, true),
      rates: [RATE, 'max'],
    },
    {
      key: 'peer',
      name: 'peer: yoga + response-cache, warm',
      harness: 'Node (own process)',
      url: peer.url,
      requests: fullQuery,
      warm: warmer(peer.url, fullQuery, true),
      rates: [RATE, 'max'],
    },
    { key: 'ceiling', name: 'ceiling: constant response', harness: WORKERD_HARNESS, url: harness.ceilingUrl, requests: persisted, rates: [RATE, 'max'] },
  ];
  if (MINIFLARE_ROWS) {
    systems.push(
      {
        key: 'edgeMiniflare',
        name: 'edge, warm',
        harness: MINIFLARE_HARNESS,
        url: stack.edgeDirectUrl,
        requests: persisted,
        warm: warmer(stack.edgeDirectUrl, persisted, true),
        rates: [RATE, 'max'],
      },
      {
        key: 'healthMiniflare',
        name: 'ceiling: GET /__edge/health',
        harness: MINIFLARE_HARNESS,
        url: stack.edgeDirectUrl,
        requests: [{ method: 'GET', path: '/__edge/health' }],
        rates: ['max'],
      },
    );
  }

  const rows: Row[] = [];
  for (const offered of [RATE, 'max'] as const) {
    for (const s of systems.filter((x) => x.rates.includes(offered))) {
      await s.warm?.();
      const connections = offered === 'max' ? MAX_CONNECTIONS : CONNECTIONS;
      const durationSeconds = offered === 'max' ? MAX_DURATION_S : DURATION_S;
      log(`${s.name} [${s.harness}]: ${offered === 'max' ? `max (${connections} connections)` : `${offered} req/s`} for ${durationSeconds} s`);
      const before = s.key === 'edge' ? await harness.cacheApiCalls() : undefined;
      const cpuBefore = await harness.cpuMs();
      const result = await load.run({ url: s.url, requests: s.requests, rate: offered === 'max' ? undefined : offered, durationSeconds, connections });
      const cpu = s.harness === WORKERD_HARNESS ? cpuPerRequest(await harness.cpuMs(), cpuBefore, result) : undefined;
      const cacheApiCalls = before && callsSince(before, await harness.cacheApiCalls());
      rows.push({ key: s.key, system: s.name, harness: s.harness, offered, connections, durationSeconds, result, cacheApiCalls, workerdCpuUsPerRequest: cpu });
    }
  }

  const edge = systems.find((s) => s.key === 'edge')!;
  await edge.warm!();
  log(`edge under ${PURGES} purges: ${RATE} req/s until the purge probe is done`);
  const beforePurges = await harness.cacheApiCalls();
  const cpuBeforePurges = await harness.cpuMs();
  let probeResult: PurgeVisibility | undefined;
  const probe = measurePurgeVisibility({
    edgeUrl: harness.edgeUrl,
    token,
    tenant: TENANT,
    purgeSecret: stack.secrets.purgeSecret,
    documentId: ENTITY.documentId,
    entityIds: PURGE_TARGETS,
    purges: PURGES,
    perPurgeTimeoutMs: 5_000,
  }).then((r) => (probeResult = r));
  const underPurge = await load.run({
    url: harness.edgeUrl,
    requests: persisted,
    rate: RATE,
    // Upper bound only: the run stops as soon as the probe finishes.
    durationSeconds: 600,
    connections: CONNECTIONS,
    until: probe,
  });
  await probe;
  rows.push({
    key: 'edgeUnderPurges',
    system: 'edge, warm, during purges',
    harness: WORKERD_HARNESS,
    offered: RATE,
    connections: CONNECTIONS,
    durationSeconds: NaN,
    result: underPurge,
    cacheApiCalls: callsSince(beforePurges, await harness.cacheApiCalls()),
    workerdCpuUsPerRequest: cpuPerRequest(await harness.cpuMs(), cpuBeforePurges, underPurge),
  });

  const at = new Date().toISOString();
  const report = {
    benchmark: 'edge',
    at,
    harnesses: {
      [WORKERD_HARNESS]: harness.describe,
      ...(MINIFLARE_ROWS
        ? { [MINIFLARE_HARNESS]: "wrangler unstable_startWorker's miniflare; load sent to the worker's own workerd socket (no ProxyWorker hop)" }
        : {}),
    },
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, loadavgAtStart, loadavgAtEnd: loadavg() },
    settings: {
      rate: RATE,
      durationSeconds: DURATION_S,
      maxDurationSeconds: MAX_DURATION_S,
      connections: CONNECTIONS,
      maxConnections: MAX_CONNECTIONS,
      originLatencyMs: ORIGIN_LATENCY_MS,
      tenant: TENANT,
      mix: MIX.length,
      hitBodyBytes,
      purges: PURGES,
      smoke: SMOKE,
    },
    rows,
    // The two numbers issue 8 sets targets for: the deployable bundle, and a warm hit's
    // throughput as a share of the constant-response ceiling measured in this same run.
    bundle: harness.bundle,
    hitOverCeiling: ratios(rows).find((r) => r.label === 'edge ÷ ceiling')?.throughputAtMax ?? null,
    ratios: ratios(rows),
    purgeVisibility: probeResult,
  };
  console.log(table(report));
  const outDir = fileURLToPath(new URL('./results/', import.meta.url));
  await mkdir(outDir, { recursive: true });
  const file = join(outDir, `edge-${at.replace(/[:.]/g, '-')}.json`);
  const json = `${JSON.stringify(report, null, 2)}\n`;
  await writeFile(file, json);
  await writeFile(join(outDir, 'edge-latest.json'), json);
  console.log(`\nJSON: ${file} (and bench/results/edge-latest.json)`);
} finally {
  await cleanup();
}

function cpuPerRequest(afterMs: number, beforeMs: number, result: LoadResult): number {
  return (1000 * (afterMs - beforeMs)) / Math.max(1, result.latencyMs.n);
}

function callsSince(a: CacheApiCalls, b: CacheApiCalls): Omit<CacheApiCalls, 'entries'> {
  return { match: b.match - a.match, hit: b.hit - a.hit, put: b.put - a.put, delete: b.delete - a.delete };
}

interface Ratio {
  label: string;
  /** Edge throughput at the max rate ÷ theirs (> 1: the edge serves more). */
  throughputAtMax: number;
  /** Edge latency at the steady rate ÷ theirs (< 1: the edge answers faster). */
  p50AtRate: number;
  p95AtRate: number;
}

function ratios(rows: Row[]): Ratio[] {
  const find = (key: string, offered: Offered) => rows.find((r) => r.key === key && r.offered === offered)?.result;
  const edgeMax = find('edge', 'max');
  const edgeRate = find('edge', RATE);
  const out: Ratio[] = [];
  for (const [key, label] of [
    ['ceiling', 'edge ÷ ceiling'],
    ['peer', 'edge ÷ peer'],
    ['origin', 'edge ÷ origin'],
    ['edgeMiniflare', 'edge (workerd) ÷ edge (miniflare)'],
  ] as const) {
    const max = find(key, 'max');
    const rate = find(key, RATE);
    if (!edgeMax || !edgeRate || !max || !rate) continue;
    out.push({
      label,
      throughputAtMax: edgeMax.throughput / max.throughput,
      p50AtRate: edgeRate.latencyMs.p50 / rate.latencyMs.p50,
      p95AtRate: edgeRate.latencyMs.p95 / rate.latencyMs.p95,
    });
  }
  return out;
}

function table(report: {
  rows: Row[];
  ratios: Ratio[];
  bundle: BundleSize;
  hitOverCeiling: number | null;
  purgeVisibility?: PurgeVisibility;
  settings: { hitBodyBytes: number };
  machine: { loadavgAtStart: number[]; loadavgAtEnd: number[] };
}): string {
  const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '-');
  const hitRatio = (l: LoadResult) => {
    const total = Object.values(l.cache).reduce((a, b) => a + b, 0);
    // Served from the cache: fresh hits and stale-while-revalidate answers.
    const hits = (l.cache.HIT ?? 0) + (l.cache.STALE ?? 0);
    return total && (l.cache.none ?? 0) < total ? `${((100 * hits) / total).toFixed(1)} %` : 'n/a';
  };
  const bad = (l: LoadResult) => l.errors + l.timeouts + Object.entries(l.statuses).filter(([s]) => s !== '200').reduce((a, [, n]) => a + n, 0);
  const offered = (r: Row) => (r.offered === 'max' ? `max/${r.connections}c` : String(r.offered));
  const row = (r: Row) =>
    `| ${r.system.padEnd(34)} | ${r.harness.padEnd(22)} | ${offered(r).padStart(8)} | ${r.result.throughput.toFixed(0).padStart(8)} | ${ms(r.result.latencyMs.p50).padStart(6)} | ${ms(r.result.latencyMs.p95).padStart(6)} | ${ms(r.result.latencyMs.p99).padStart(6)} | ${(CACHING.has(r.key) ? hitRatio(r.result) : 'n/a').padStart(7)} | ${String(bad(r.result)).padStart(6)} |`;
  const x = (v: number) => (!Number.isFinite(v) ? '-' : `${v >= 10 ? v.toFixed(1) : v >= 0.1 ? v.toFixed(2) : v.toPrecision(2)}×`);
  const perRequest = (r: Row) => {
    const c = r.cacheApiCalls!;
    const n = Math.max(1, r.result.latencyMs.n);
    return `${r.key === 'edgeUnderPurges' ? 'during purges' : offered(r)}: ${(c.match / n).toFixed(3)} match (${c.hit} hit), ${(c.put / n).toFixed(3)} put`;
  };
  const withCalls = report.rows.filter((r) => r.cacheApiCalls);
  const withCpu = report.rows.filter((r) => r.workerdCpuUsPerRequest !== undefined);
  const cpuOf = (key: string) => report.rows.find((r) => r.key === key && r.offered === 'max')?.workerdCpuUsPerRequest;
  const edgeCpu = cpuOf('edge');
  const ceilingCpu = cpuOf('ceiling');
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
  const p = report.purgeVisibility;
  const lines = [
    '',
    'Conductor edge benchmark (loopback, one run; compare rows and ratios, not absolute numbers)',
    `origin latency ${ORIGIN_LATENCY_MS} ms, ${MIX.length}-request mix of safelisted operations (tenant ${TENANT}), ` +
      `steady rate = autocannon overallRate with ${CONNECTIONS} connections, max = unthrottled with ${MAX_CONNECTIONS} connections; ceiling body ${report.settings.hitBodyBytes} B (median hit)`,
    '',
    `| ${'system'.padEnd(34)} | ${'harness'.padEnd(22)} | offered  | req/s    | p50 ms | p95 ms | p99 ms | hit     | errors |`,
    `|${'-'.repeat(36)}|${'-'.repeat(24)}|----------|----------|--------|--------|--------|---------|--------|`,
    ...report.rows.map(row),
    ...(withCalls.length ? [`edge [${WORKERD_HARNESS}] Cache API calls per request (the rest were served from isolate memory) — ${withCalls.map(perRequest).join('; ')}`] : []),
    `workerd CPU per response, all threads (moves less than req/s when the machine is busy) — ${withCpu
      .map((r) => `${r.key === 'edgeUnderPurges' ? 'edge during purges' : `${r.key} ${offered(r)}`}: ${r.workerdCpuUsPerRequest!.toFixed(0)} µs`)
      .join('; ')}${edgeCpu && ceilingCpu ? `; ceiling ÷ edge at max: ${x(ceilingCpu / edgeCpu)}` : ''}`,
    '',
    `| ${'ratio'.padEnd(34)} | req/s at max | p50 at ${String(RATE).padEnd(5)} | p95 at ${String(RATE).padEnd(5)} |`,
    `|${'-'.repeat(36)}|--------------|--------------|--------------|`,
    ...report.ratios.map(
      (r) => `| ${r.label.padEnd(34)} | ${x(r.throughputAtMax).padStart(12)} | ${x(r.p50AtRate).padStart(12)} | ${x(r.p95AtRate).padStart(12)} |`,
    ),
    '(req/s: > 1× means the edge serves more; p50/p95: < 1× means the edge answers faster)',
    '',
    `warm hit ÷ ceiling, req/s at max: ${report.hitOverCeiling === null ? '-' : x(report.hitOverCeiling)} (target ≥ 0.6×)`,
    `edge bundle (what wrangler deploy uploads): ${kib(report.bundle.bytes)}, gzip ${kib(report.bundle.gzipBytes)} (target ≤ 300 KiB uncompressed)`,
    '',
    `${cpus().length} CPUs; load average ${report.machine.loadavgAtStart.map((v) => v.toFixed(1)).join('/')} at start, ` +
      `${report.machine.loadavgAtEnd.map((v) => v.toFixed(1)).join('/')} at end (other work on the machine skews absolute numbers)`,
  ];
  if (p) {
    lines.push(
      '',
      `purge-to-visible over ${p.purges} signed purges during the ${RATE} req/s load on the edge [${WORKERD_HARNESS}] (opId+varsHash form, ${p.failures} failed):`,
      `| ${'measure'.padEnd(50)} | p50 ms | p95 ms | p99 ms |`,
      `|${'-'.repeat(52)}|--------|--------|--------|`,
      `| ${'purge sent → first read seeing it sent (visible)'.padEnd(50)} | ${ms(p.visibleMs.p50).padStart(6)} | ${ms(p.visibleMs.p95).padStart(6)} | ${ms(p.visibleMs.p99).padStart(6)} |`,
      `| ${'purge sent → that MISS answered (fresh body)'.padEnd(50)} | ${ms(p.freshAnsweredMs.p50).padStart(6)} | ${ms(p.freshAnsweredMs.p95).padStart(6)} | ${ms(p.freshAnsweredMs.p99).padStart(6)} |`,
      `| ${'purge sent → receipt'.padEnd(50)} | ${ms(p.receiptMs.p50).padStart(6)} | ${ms(p.receiptMs.p95).padStart(6)} | ${ms(p.receiptMs.p99).padStart(6)} |`,
      `reads that still hit the old generation while a purge was in flight: ${p.staleReadsWhileInFlight}`,
    );
  }
  return lines.join('\n');
}

function log(message: string): void {
  console.error(`[bench +${(performance.now() / 1000).toFixed(1)}s] ${message}`);
}
