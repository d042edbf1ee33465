import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import manifest from '../examples/origin/persisted-operations.json' with { type: 'json' };
import { startStack } from '../scripts/stack.ts';
import { runLoad, type LoadRequest, type LoadResult } from './load.ts';
import { measurePurgeVisibility, type PurgeVisibility } from './purge-visibility.ts';

// `npm run bench:edge`: origin direct vs the edge (warm) at the same steady rate, then purge-to-visible
// latency measured while that load keeps running. Everything on loopback, in one stack.
const RATE = Number(process.env.BENCH_RATE ?? 300);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 20);
const PURGES = Number(process.env.BENCH_PURGES ?? 200);
const ORIGIN_LATENCY_MS = 30;
// autocannon keeps one request in flight per connection: enough connections that a slow response
// never holds the offered rate below the target (32 connections cap 300 req/s at ~100 ms latency).
const CONNECTIONS = 100;
const TENANT = 'acme';
const HARNESS = 'wrangler unstable_startWorker: local workerd with miniflare Cache API + Durable Objects; load sent to the worker\'s own workerd socket (ProxyWorker row for comparison)';

const op = (name: string) => {
  const found = manifest.operations.find((o) => o.name === name);
  if (!found) throw new Error(`manifest lacks ${name}`);
  return { documentId: `sha256:${found.id}`, body: found.body };
};
const ENTITY = op('EntityById');
const MIX: Array<{ op: ReturnType<typeof op>; variables: Record<string, unknown> }> = [
  ...Array.from({ length: 40 }, (_, i) => ({ op: ENTITY, variables: { id: String(i + 1) } })),
  ...[5, 10, 25].map((limit) => ({ op: op('Entities'), variables: { limit } })),
  ...Array.from({ length: 12 }, (_, i) => ({ op: op('Relationships'), variables: { entityId: String(i + 1) } })),
];
// Purge targets stay outside the load mix: only the probe fills and reads them.
const PURGE_TARGETS = Array.from({ length: 39 }, (_, i) => String(i + 61));

const loadavgAtStart = loadavg();
const dataDir = await mkdtemp(join(tmpdir(), 'conductor-bench-'));
const stack = await startStack({ dataDir, pglitePath: 'memory://', originLatencyMs: ORIGIN_LATENCY_MS });
try {
  const token = await stack.token({ tenant: TENANT });
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  const viaEdge: LoadRequest[] = MIX.map((m) => ({
    method: 'POST',
    path: '/graphql',
    headers,
    body: JSON.stringify({ documentId: m.op.documentId, variables: m.variables }),
  }));
  const direct: LoadRequest[] = MIX.map((m) => ({
    method: 'POST',
    path: '/graphql',
    headers,
    body: JSON.stringify({ query: m.op.body, variables: m.variables }),
  }));

  log(`origin direct: ${RATE} req/s for ${DURATION_S} s`);
  const origin = await runLoad({ url: stack.originUrl, requests: direct, rate: RATE, durationSeconds: DURATION_S, connections: CONNECTIONS });
  // Entries have 30–60 s TTLs: each edge phase starts from a fully warm cache, so phases compare.
  const warm = async () => {
    log(`warming ${viaEdge.length} keys at the edge`);
    for (const r of viaEdge) {
      const res = await fetch(`${stack.edgeDirectUrl}${r.path}`, { method: r.method, headers: r.headers, body: r.body });
      if (res.status !== 200) throw new Error(`warm-up failed: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    }
  };

  await warm();
  log(`edge (warm), worker socket: ${RATE} req/s for ${DURATION_S} s`);
  const edge = await runLoad({ url: stack.edgeDirectUrl, requests: viaEdge, rate: RATE, durationSeconds: DURATION_S, connections: CONNECTIONS });
  await warm();
  log(`edge (warm), through wrangler's ProxyWorker: ${RATE} req/s for ${DURATION_S} s`);
  const edgeProxied = await runLoad({ url: stack.edgeUrl, requests: viaEdge, rate: RATE, durationSeconds: DURATION_S, connections: CONNECTIONS });

  await warm();
  log(`edge under ${PURGES} purges: ${RATE} req/s until the purge probe is done`);
  let probeResult: PurgeVisibility | undefined;
  const probe = measurePurgeVisibility({
    edgeUrl: stack.edgeDirectUrl,
    token,
    tenant: TENANT,
    purgeSecret: stack.secrets.purgeSecret,
    documentId: ENTITY.documentId,
    entityIds: PURGE_TARGETS,
    purges: PURGES,
    perPurgeTimeoutMs: 5_000,
  }).then((r) => (probeResult = r));
  const underPurge = await runLoad({
    url: stack.edgeDirectUrl,
    requests: viaEdge,
    rate: RATE,
    // Upper bound only: the run stops as soon as the probe finishes.
    durationSeconds: 600,
    connections: CONNECTIONS,
    until: probe,
  });
  await probe;

  log('harness ceilings: GET /__edge/health, unthrottled, 5 s each');
  const health: LoadRequest[] = [{ method: 'GET', path: '/__edge/health' }];
  const ceiling = await runLoad({ url: stack.edgeDirectUrl, requests: health, durationSeconds: 5, connections: 20 });
  const ceilingProxied = await runLoad({ url: stack.edgeUrl, requests: health, durationSeconds: 5, connections: 20 });

  const report = {
    benchmark: 'edge',
    at: new Date().toISOString(),
    harness: HARNESS,
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, loadavgAtStart, loadavgAtEnd: loadavg() },
    settings: { rate: RATE, durationSeconds: DURATION_S, connections: CONNECTIONS, originLatencyMs: ORIGIN_LATENCY_MS, tenant: TENANT, mix: MIX.length, purges: PURGES },
    results: {
      originDirect: origin,
      edgeWarm: edge,
      edgeWarmViaProxyWorker: edgeProxied,
      edgeUnderPurges: underPurge,
      harnessCeiling: ceiling,
      harnessCeilingViaProxyWorker: ceilingProxied,
      purgeVisibility: probeResult,
    },
  };
  console.log(table(report.results, { start: loadavgAtStart, end: report.machine.loadavgAtEnd }));
  const outDir = fileURLToPath(new URL('./results/', import.meta.url));
  await mkdir(outDir, { recursive: true });
  const file = join(outDir, `edge-${report.at.replace(/[:.]/g, '-')}.json`);
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nJSON: ${file}`);
} finally {
  await stack.stop();
  await rm(dataDir, { recursive: true, force: true });
}

interface Results {
  originDirect: LoadResult;
  edgeWarm: LoadResult;
  edgeWarmViaProxyWorker: LoadResult;
  edgeUnderPurges: LoadResult;
  harnessCeiling: LoadResult;
  harnessCeilingViaProxyWorker: LoadResult;
  purgeVisibility?: PurgeVisibility;
}

function table(r: Results, load: { start: number[]; end: number[] }): string {
  const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '-');
  const hitRatio = (l: LoadResult) => {
    const total = Object.values(l.cache).reduce((a, b) => a + b, 0);
    const hits = l.cache.HIT ?? 0;
    return total && (l.cache.none ?? 0) < total ? `${((100 * hits) / total).toFixed(1)} %` : 'n/a';
  };
  const bad = (l: LoadResult) => l.errors + l.timeouts + Object.entries(l.statuses).filter(([s]) => s !== '200').reduce((a, [, n]) => a + n, 0);
  const row = (name: string, target: string, l: LoadResult) =>
    `| ${name.padEnd(34)} | ${target.padStart(6)} | ${l.throughput.toFixed(0).padStart(8)} | ${ms(l.latencyMs.p50).padStart(6)} | ${ms(l.latencyMs.p95).padStart(6)} | ${ms(l.latencyMs.p99).padStart(6)} | ${hitRatio(l).padStart(8)} | ${String(bad(l)).padStart(7)} |`;
  const p = r.purgeVisibility;
  const lines = [
    '',
    `Conductor edge benchmark — harness: ${HARNESS}`,
    `origin latency ${ORIGIN_LATENCY_MS} ms, ${MIX.length}-request mix of safelisted operations (tenant ${TENANT}), autocannon overallRate ${RATE}/s, ${CONNECTIONS} connections`,
    '',
    `| ${'system'.padEnd(34)} | target | req/s    | p50 ms | p95 ms | p99 ms | hit      | non-2xx |`,
    `|${'-'.repeat(36)}|--------|----------|--------|--------|--------|----------|---------|`,
    row('origin direct', String(RATE), r.originDirect),
    row('edge, warm', String(RATE), r.edgeWarm),
    row('edge, warm, during purges', String(RATE), r.edgeUnderPurges),
    row('edge, warm, via ProxyWorker', String(RATE), r.edgeWarmViaProxyWorker),
    row('ceiling: /__edge/health', 'max', r.harnessCeiling),
    row('ceiling: /__edge/health via Proxy', 'max', r.harnessCeilingViaProxyWorker),
    '',
    `${cpus().length} CPUs; load average ${load.start.map((v) => v.toFixed(1)).join('/')} at start, ${load.end.map((v) => v.toFixed(1)).join('/')} at end (other work on the machine skews absolute numbers; compare rows)`,
    `edge p50 / origin p50 = ${(r.edgeWarm.latencyMs.p50 / r.originDirect.latencyMs.p50).toFixed(2)}   edge p99 / origin p99 = ${(r.edgeWarm.latencyMs.p99 / r.originDirect.latencyMs.p99).toFixed(2)}`,
  ];
  if (p) {
    lines.push(
      '',
      `purge-to-visible over ${p.purges} signed purges during the load (opId+varsHash form, ${p.failures} failed):`,
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
  console.error(`[bench] ${message}`);
}
