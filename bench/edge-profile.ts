import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { originalPositionFor, TraceMap } from '@jridgewell/trace-mapping';
import { freePort } from '../scripts/free-port.ts';
import { startEdgeUnderTest } from './harness/edge-under-test.ts';
import { startLoadRunner } from './load-runner.ts';

// `npm run bench:edge-profile` (docs/benchmarks.md): where a warm hit's CPU goes. The edge runs
// under plain `workerd serve` with the bench:edge mix while workerd's own V8 CPU profiler samples
// it (inspector protocol). Every sample is mapped through the bundle's source map and attributed
// to the step of the hit path whose module was running, native callees (Response, Headers,
// streams, WebCrypto) folded into the module that called them; time outside JavaScript (workerd's
// HTTP server, I/O) and GC are their own rows.
//
// Default: driven over HTTP at its max rate (autocannon, like bench:edge). `--micro`: the edge's
// fetch handler called in a loop inside workerd (bench/harness/micro.worker.js), first measured
// without the profiler (workerd CPU per request, edge loop − constant-response loop, median of
// MICRO_REPS), then profiled; no HTTP server or load generator shares the CPU, so the numbers
// hold still on a busy machine. `--micro --instructions`: the same loops under valgrind's callgrind,
// counting the instructions workerd executes per call instead of sampling (no profiler): the
// most repeatable before/after measure of the edge's own work here (the clock stands still inside
// the loop, so valgrind's ~50× slowdown does not inflate time-driven work).
const INSTRUCTIONS = process.argv.includes('--instructions');
const MICRO = INSTRUCTIONS || process.argv.includes('--micro');
const DURATION_S = Number(process.env.PROFILE_DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.BENCH_MAX_CONNECTIONS ?? 32);
const MICRO_REQUESTS = Number(process.env.MICRO_REQUESTS ?? 5_000);
const MICRO_REPS = Number(process.env.MICRO_REPS ?? 5);
const SAMPLING_US = 100;
// `ceiling` profiles the constant-response worker of the same workerd instead: the baseline.
const TARGET = MICRO ? 'micro' : process.env.PROFILE_TARGET === 'ceiling' ? 'ceiling' : 'edge';
const run = promisify(execFile);

/** Source module (from the repository root or node_modules/) → the step of the hit path it belongs to. */
const STEPS: Array<[RegExp, string]> = [
  [/workers\/edge\/src\/auth\//, 'JWT memo lookup (auth/)'],
  [/workers\/edge\/src\/config\//, 'config lookup (config/)'],
  [/workers\/edge\/src\/(graphql\/(http-params|parsed-requests)|http\/body)\.ts/, 'request parsing (body, parsed-requests, http-params)'],
  [/workers\/edge\/src\/graphql\/(resolve-operation|document)/, 'operation resolution (resolve-operation)'],
  [/workers\/edge\/src\/cache\/(keyer|sha256-memo)\.ts|sdk\/src\/core\/(canonical-json|hash)\.ts|canonicalize/, 'variables canonicalisation + digests (keyer, sha256-memo)'],
  [/workers\/edge\/src\/cache\/tags\.ts/, 'read tags (tags)'],
  [/workers\/edge\/src\/cache\/generations\.ts/, 'generation memo (generations)'],
  [/workers\/edge\/src\/cache\/read-plans\.ts/, 'cache URL from the read plan (read-plans)'],
  [/workers\/edge\/src\/(cache\/(response-cache|hot-entries|stale-policy)|graphql\/cached-read)\.ts/, 'response lookup + build (response-cache, cached-read)'],
  [/workers\/edge\/src\/graphql\/handle-graphql\.ts/, 'handler glue (handle-graphql)'],
  [/workers\/edge\/src\/metrics\/|latency-histogram/, 'metrics recording (metrics/)'],
  [/workers\/edge\/src\/(index|context)\.ts/, 'entry + context (index, context)'],
  [/workers\/edge\/src\/http\/errors\.ts/, 'errors (http/errors)'],
];

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const inspectorPort = await freePort();
const callgrindDir = INSTRUCTIONS ? await mkdtemp(join(tmpdir(), 'conductor-callgrind-')) : '';
const { harness, requests, warm, stop } = await startEdgeUnderTest(
  INSTRUCTIONS
    ? {
        wrapper: ['valgrind', '--tool=callgrind', `--callgrind-out-file=${join(callgrindDir, 'out')}`, '--smc-check=all-non-file', `--log-file=${join(callgrindDir, 'log')}`],
        startTimeoutMs: 300_000,
      }
    : { inspectorPort },
);
const load = await startLoadRunner();
try {
  if (INSTRUCTIONS) {
    // Fill the micro worker's cache, then run both loops long enough that JIT compilation (which
    // callgrind counts too, on V8's background threads) is over before anything is counted.
    await microLoop('edge', requests.length * 2);
    for (let i = 0; i < 2; i++) for (const variant of ['edge', 'baseline'] as const) await microLoop(variant, MICRO_REQUESTS);
    const counts = await microInstructions();
    console.log(`\ninstructions workerd executes per call, edge fetch handler in a loop inside workerd (callgrind, ${MICRO_REQUESTS} calls, median of ${MICRO_REPS}):`);
    console.log(`  edge ${fmt(counts.edge)}, constant-response loop ${fmt(counts.baseline)} → the edge's own work ${fmt(counts.edge - counts.baseline)} per warm hit`);
    await writeResult('edge-instructions-latest.json', { at: new Date().toISOString(), calls: MICRO_REQUESTS, reps: MICRO_REPS, ...counts });
  } else {
    await profileRun();
  }
} finally {
  await load.close();
  await stop();
  if (callgrindDir) await rm(callgrindDir, { recursive: true, force: true });
}

async function profileRun(): Promise<void> {
  const sourceMap = new TraceMap(await readFile(harness.sourceMapPath, 'utf8'));
  let micro: MicroCpu | undefined;
  if (MICRO) {
    // The micro worker's edge is an isolate of its own: fill its cache, then let the JIT settle.
    await microLoop('edge', requests.length * 2);
    await microLoop('edge', MICRO_REQUESTS);
    micro = await microCpu();
  } else {
    // Warm: every key filled, then a short unprofiled run so the JIT has settled.
    await warm();
    await load.run({ url: harness.edgeUrl, requests, durationSeconds: 2, connections: CONNECTIONS });
  }

  const url = TARGET === 'edge' ? harness.edgeUrl : harness.ceilingUrl;
  const inspector = await connect(inspectorPort, TARGET);
  await inspector.send('Profiler.enable');
  await inspector.send('Profiler.setSamplingInterval', { interval: SAMPLING_US });
  await inspector.send('Profiler.start');
  let served: number;
  let hits: number;
  let throughput = NaN;
  if (MICRO) {
    const cache: Record<string, number> = {};
    for (let i = 0; i < MICRO_REPS; i++) for (const [k, v] of Object.entries(await microLoop('edge', MICRO_REQUESTS))) cache[k] = (cache[k] ?? 0) + v;
    served = MICRO_REPS * MICRO_REQUESTS;
    hits = cache.HIT ?? 0;
  } else {
    const result = await load.run({ url, requests, durationSeconds: DURATION_S, connections: CONNECTIONS });
    served = result.latencyMs.n;
    hits = result.cache.HIT ?? 0;
    throughput = result.throughput;
  }
  const { profile } = (await inspector.send('Profiler.stop')) as { profile: Profile };
  inspector.close();

  const report = attribute(profile, sourceMap, served);
  if (micro) {
    console.log(`\nworkerd CPU per request, edge fetch handler in a loop inside workerd (${MICRO_REQUESTS} requests × ${MICRO_REPS}, median; no profiler):`);
    console.log(`  edge ${micro.edgeUs.toFixed(1)} µs, constant-response loop ${micro.baselineUs.toFixed(1)} µs → the edge's own work ${(micro.edgeUs - micro.baselineUs).toFixed(1)} µs per warm hit`);
    const runs = (xs: number[]) => xs.map((v) => v.toFixed(1)).join(', ');
    console.log(`  (runs, µs per call: edge ${runs(micro.samples.edge)}; constant ${runs(micro.samples.baseline)})`);
  }
  const how = MICRO ? `${served} requests (${hits} HIT) through the micro loop` : `${served} requests (${hits} HIT) in ${DURATION_S} s at max/${CONNECTIONS}c = ${throughput.toFixed(0)} req/s`;
  console.log(
    `\n${TARGET === 'ceiling' ? 'ceiling (constant response)' : 'edge hit path'} under workerd's CPU profiler (${SAMPLING_US} µs sampling), ${how}; load average ${loadavg().map((v) => v.toFixed(1)).join('/')}`,
  );
  console.log('(the profiler slows the worker down: compare the shares and µs between steps, not the req/s with bench:edge)\n');
  console.log(`| ${'step'.padEnd(56)} | µs/request | share of busy |`);
  console.log(`|${'-'.repeat(58)}|------------|---------------|`);
  for (const r of report.steps) console.log(`| ${r.step.padEnd(56)} | ${r.usPerRequest.toFixed(1).padStart(10)} | ${`${r.share.toFixed(1)} %`.padStart(13)} |`);
  console.log(`\ntop self time (native callees folded into their caller; µs/request): ${report.functions.map((f) => `${f.name} ${f.usPerRequest.toFixed(1)}`).join(', ')}`);
  console.log(`top native functions (µs/request): ${report.natives.map((f) => `${f.name} ${f.usPerRequest.toFixed(1)}`).join(', ')}`);
  await writeResult('edge-profile-latest.json', { at: new Date().toISOString(), mode: MICRO ? 'micro' : 'http', target: TARGET, throughput, requests: served, micro, ...report });
  await writeResult('edge-profile-latest.cpuprofile', profile);
  console.log('\nJSON: bench/results/edge-profile-latest.json; raw profile (Chrome DevTools → Performance → load): bench/results/edge-profile-latest.cpuprofile');
}

interface MicroCpu {
  edgeUs: number;
  baselineUs: number;
  /** Every run, µs per call, in order (runs alternate baseline, edge). */
  samples: { edge: number[]; baseline: number[] };
}

/** One request to the micro worker: `n` calls of the edge's handler (or of a constant response) over the mix. */
async function microLoop(variant: 'edge' | 'baseline', n: number): Promise<Record<string, number>> {
  const res = await fetch(`${harness.microUrl}/`, { method: 'POST', body: JSON.stringify({ n, variant, requests }) });
  if (!res.ok) throw new Error(`micro loop answered ${res.status}: ${await res.text()}`);
  const { cache } = (await res.json()) as { cache: Record<string, number> };
  // Served from the cache: fresh, or stale while one refresh runs (a slow run outlives 30 s TTLs).
  const served = (cache.HIT ?? 0) + (cache.STALE ?? 0);
  if (variant === 'edge' && n >= MICRO_REQUESTS && served < n) throw new Error(`micro loop not all served from the cache: ${JSON.stringify(cache)}`);
  return cache;
}

/** workerd's CPU per call of each loop, median over MICRO_REPS alternating runs. */
async function microCpu(): Promise<MicroCpu> {
  const samples = { edge: [] as number[], baseline: [] as number[] };
  for (let i = 0; i < MICRO_REPS; i++) {
    for (const variant of ['baseline', 'edge'] as const) {
      const before = await harness.cpuMs();
      await microLoop(variant, MICRO_REQUESTS);
      samples[variant].push((1000 * ((await harness.cpuMs()) - before)) / MICRO_REQUESTS);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  return { edgeUs: median(samples.edge), baselineUs: median(samples.baseline), samples };
}

/** Instructions per call of each loop (callgrind counters zeroed before, dumped after), median over MICRO_REPS. */
async function microInstructions(): Promise<{ edge: number; baseline: number }> {
  const samples = { edge: [] as number[], baseline: [] as number[] };
  for (let i = 0; i < MICRO_REPS; i++) {
    for (const variant of ['baseline', 'edge'] as const) {
      await run('callgrind_control', ['--zero', String(harness.pid)]);
      await microLoop(variant, MICRO_REQUESTS);
      await run('callgrind_control', ['--dump', String(harness.pid)]);
      samples[variant].push((await lastDumpTotal()) / MICRO_REQUESTS);
    }
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1]!;
  return { edge: median(samples.edge), baseline: median(samples.baseline) };
}

async function lastDumpTotal(): Promise<number> {
  const dumps = (await readdir(callgrindDir)).map((f) => /^out\.(\d+)$/.exec(f)).filter((m) => m !== null);
  const latest = dumps.sort((a, b) => Number(b[1]) - Number(a[1]))[0];
  if (!latest) throw new Error(`no callgrind dump in ${callgrindDir}`);
  const total = /^(?:totals|summary): (\d+)/m.exec(await readFile(join(callgrindDir, latest[0]), 'utf8'));
  if (!total) throw new Error(`no totals in ${latest[0]}`);
  return Number(total[1]);
}

function fmt(instructions: number): string {
  return `${Math.round(instructions).toLocaleString('en')} instructions`;
}

async function writeResult(file: string, value: unknown): Promise<void> {
  const outDir = fileURLToPath(new URL('./results/', import.meta.url));
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, file), file.endsWith('.json') ? `${JSON.stringify(value, null, 2)}\n` : JSON.stringify(value));
}

/** Each sample's frame mapped back through the bundle's source map: the source module and function name. */
function attribute(profile: Profile, sourceMap: TraceMap, requests: number) {
  const parent = new Map<number, ProfileNode>();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n);
  const origins = new Map<number, { path: string; name: string } | null>();
  const originOf = (n: ProfileNode): { path: string; name: string } | null => {
    if (origins.has(n.id)) return origins.get(n.id)!;
    let found: { path: string; name: string } | null = null;
    if (n.callFrame.url.endsWith('edge.mjs')) {
      const pos = originalPositionFor(sourceMap, { line: n.callFrame.lineNumber + 1, column: n.callFrame.columnNumber });
      // Sources are relative to wrangler's out dir: keep the part from the package folder on.
      const path = pos.source ? (/(?:workers|sdk|schema|node_modules)\/.*$/.exec(pos.source)?.[0] ?? pos.source) : null;
      if (path) found = { path, name: pos.name ?? n.callFrame.functionName };
    }
    origins.set(n.id, found);
    return found;
  };
  const moduleOf = (n: ProfileNode): string | null => originOf(n)?.path ?? null;
  const stepOf = (path: string) =>
    STEPS.find(([re]) => re.test(path))?.[1] ?? `other: ${path.startsWith('node_modules/') ? path.split('/')[1] : path}`;
  const steps = new Map<string, number>();
  const functions = new Map<string, number>();
  const natives = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i + 1] ?? 0;
    const node = byId.get(id)!;
    const name = node.callFrame.functionName;
    if (name === '(idle)') return;
    busy += us;
    if (name === '(program)' || name === '(garbage collector)' || name === '(root)') {
      add(steps, name === '(program)' ? '(program): workerd outside JavaScript — HTTP, I/O' : name, us);
      return;
    }
    // The nearest ancestor frame in the bundle owns this sample (itself, if it is one).
    let owner: ProfileNode | undefined = node;
    while (owner && moduleOf(owner) === null) owner = parent.get(owner.id);
    if (node !== owner && node.callFrame.url === '') add(natives, name || '(anonymous native)', us);
    if (!owner) {
      add(steps, `other: ${name || '(anonymous)'}`, us);
      return;
    }
    const path = moduleOf(owner)!;
    add(steps, stepOf(path), us);
    add(functions, `${originOf(owner)!.name || '(anonymous)'} [${path.split('/').pop()}]`, us);
  });
  const perRequest = (m: Map<string, number>, top: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, usPerRequest: us / requests, share: (100 * us) / busy }));
  return {
    busyUsPerRequest: busy / requests,
    steps: perRequest(steps, 40).map(({ name, ...rest }) => ({ step: name, ...rest })),
    functions: perRequest(functions, 15),
    natives: perRequest(natives, 12),
  };
}

/** A minimal Chrome DevTools protocol client over workerd's inspector socket (the edge worker's target). */
async function connect(port: number, service: string): Promise<{ send(method: string, params?: object): Promise<unknown>; close(): void }> {
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as Array<{ id: string; title: string; webSocketDebuggerUrl: string }>;
  const target = targets.find((t) => t.title === service || t.id === service);
  if (!target) throw new Error(`no inspector target: ${JSON.stringify(targets)}`);
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  let next = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  ws.onmessage = (ev) => {
    const msg = JSON.parse(String(ev.data)) as { id?: number; result?: unknown; error?: { message: string } };
    const p = msg.id === undefined ? undefined : pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id!);
    if (msg.error) p.reject(new Error(msg.error.message));
    else p.resolve(msg.result);
  };
  return {
    send: (method, params = {}) =>
      new Promise((resolve, reject) => {
        const id = next++;
        pending.set(id, { resolve, reject });
        ws.send(JSON.stringify({ id, method, params }));
      }),
    close: () => ws.close(),
  };
}
