import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../scripts/free-port.ts';
import { waitForHealth } from '../../scripts/wait-for-health.ts';

// Must be set before wrangler loads (it is only used here to read wrangler.toml).
process.env.WRANGLER_SEND_METRICS = 'false';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WRANGLER_TOML = join(ROOT, 'wrangler.toml');
const HERE = fileURLToPath(new URL('./', import.meta.url));

export const WORKERD_HARNESS = 'workerd serve';

export interface WorkerdHarnessOptions {
  controlPlaneUrl: string;
  originUrl: string;
  purgeSecret: string;
  controlPlaneToken: string;
  region?: string;
  /** Body size of the constant-response (ceiling) worker. */
  ceilingBodyBytes: number;
  /** Opens workerd's inspector (Chrome DevTools protocol) on this loopback port: CPU profiling, bench/edge-profile.ts. */
  inspectorPort?: number;
  /**
   * Runs workerd under this command prefix, which must run it in the same process (valgrind's
   * callgrind: `bench:edge-profile -- --micro --instructions`).
   */
  wrapper?: string[];
  /** How long the edge may take to become healthy (much longer under valgrind). */
  startTimeoutMs?: number;
}

export interface BundleSize {
  bytes: number;
  gzipBytes: number;
}

export interface CacheApiCalls {
  match: number;
  hit: number;
  put: number;
  delete: number;
  entries: number;
}

export interface WorkerdHarness {
  /**
   * CPU time workerd has used so far, all threads, in ms (Linux /proc): a phase's difference ÷ its
   * requests is CPU per request, which other work on a shared machine moves far less than req/s.
   */
  cpuMs(): Promise<number>;
  /** workerd's process id (with a `wrapper`, the wrapper's). */
  pid: number;
  /** The edge worker (workers/edge, bundled) on its own workerd socket. */
  edgeUrl: string;
  /** The constant-response worker, same workerd process. */
  ceilingUrl: string;
  /** The edge module driven in a loop inside one request (bench/harness/micro.worker.js). */
  microUrl: string;
  /** Calls the edge has made to its Cache API so far (the in-memory cache worker counts them). */
  cacheApiCalls(): Promise<CacheApiCalls>;
  /** The worker as `wrangler deploy` uploads it, and its source map (profile attribution). */
  bundlePath: string;
  sourceMapPath: string;
  /** Its size, computed as wrangler's "Total Upload" line does. */
  bundle: BundleSize;
  /** workerd binary version and the generated config, for the report. */
  describe: { workerd: string; compatibilityDate: string; cache: string; durableObjectStorage: string };
  stop(): Promise<void>;
  /** Synchronous last resort for exit paths (signals): SIGTERM to workerd, temp files removed. */
  killNow(): void;
}

/**
 * Runs workers/edge under plain `workerd serve` (wrangler's bundled binary, node_modules/workerd)
 * with a generated capnp config: the worker exactly as `wrangler deploy` would upload it,
 * the `wrangler.toml` compatibility date/flags and Durable Object binding (SQLite-backed, in a temp directory),
 * the local URLs/secrets as bindings, and a Cache API backend (`cacheApiOutbound`) that is a
 * second worker in the same process holding entries in memory. A third worker answers a constant
 * response: the harness ceiling. No Node process sits in the request path.
 */
export async function startWorkerdHarness(opts: WorkerdHarnessOptions): Promise<WorkerdHarness> {
  const { unstable_readConfig } = await import('wrangler');
  const config = unstable_readConfig({ config: WRANGLER_TOML });
  const dir = await mkdtemp(join(tmpdir(), 'conductor-workerd-'));
  let child: ChildProcess | undefined;
  try {
    const bundle = await wranglerBundle(join(dir, 'build'));
    await copyFile(bundle.path, join(dir, 'edge.mjs'));
    await mkdir(join(dir, 'do'));
    await copyFile(join(HERE, 'memory-cache.worker.js'), join(dir, 'cache.mjs'));
    await copyFile(join(HERE, 'ceiling.worker.js'), join(dir, 'ceiling.mjs'));
    await copyFile(join(HERE, 'micro.worker.js'), join(dir, 'micro.mjs'));

    const edgePort = await freePort();
    const ceilingPort = await freePort();
    const microPort = await freePort();
    const cachePort = await freePort();
    const compatibilityDate = config.compatibility_date ?? '2026-11-01';
    const flags = config.compatibility_flags ?? [];
    const sqliteClasses = new Set(config.migrations.flatMap((m: { new_sqlite_classes?: string[] }) => m.new_sqlite_classes ?? []));
    type DoBinding = { name: string; class_name: string; script_name?: string };
    const doBindings = (config.durable_objects.bindings as DoBinding[]).filter((b) => !b.script_name);
    const text = (name: string, value: string) => `(name = ${str(name)}, text = ${str(value)})`;
    const bindings = [
      text('CONTROL_PLANE_URL', opts.controlPlaneUrl),
      text('ORIGIN_URL', opts.originUrl),
      text('LOCAL_REGION', opts.region ?? 'local'),
      text('PURGE_SIGNING_SECRET', opts.purgeSecret),
      text('CONTROL_PLANE_TOKEN', opts.controlPlaneToken),
      ...doBindings.map((b) => `(name = ${str(b.name)}, durableObjectNamespace = ${str(b.class_name)})`),
    ];
    const namespaces = (prefix: string) =>
      doBindings.map(
        (b) => `(className = ${str(b.class_name)}, uniqueKey = ${str(`${prefix}-${b.class_name}`)}, enableSql = ${sqliteClasses.has(b.class_name)})`,
      );
    const worker = (files: string | string[], extra = '') =>
      `(modules = [${[files]
        .flat()
        .map((f) => `(name = ${str(f)}, esModule = embed ${str(f)})`)
        .join(', ')}], compatibilityDate = ${str(compatibilityDate)}, compatibilityFlags = [${flags.map(str).join(', ')}]${extra})`;
    const edgeEnv = (prefix: string) =>
      `, bindings = [${bindings.join(', ')}], durableObjectNamespaces = [${namespaces(prefix).join(', ')}], durableObjectStorage = (localDisk = "do-storage"), cacheApiOutbound = "cache", globalOutbound = "loopback"`;
    const capnp = `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "edge", worker = ${worker('edge.mjs', edgeEnv(config.name))}),
    # The edge module again, driven in a loop by micro.mjs (bench/edge-micro.ts): its own isolate and objects.
    (name = "micro", worker = ${worker(['micro.mjs', 'edge.mjs'], edgeEnv(`${config.name}-micro`))}),
    (name = "cache", worker = ${worker('cache.mjs')}),
    (name = "ceiling", worker = ${worker('ceiling.mjs', `, bindings = [${text('BODY_BYTES', String(opts.ceilingBodyBytes))}]`)}),
    # SQLite-backed Durable Objects need a disk directory (workerd's inMemory storage has no SQL API).
    (name = "do-storage", disk = (path = ${str(join(dir, 'do'))}, writable = true)),
    # The edge talks to the control plane and origin on 127.0.0.1: "local" must be allowed.
    (name = "loopback", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [
    (name = "edge", address = "127.0.0.1:${edgePort}", http = (), service = "edge"),
    (name = "ceiling", address = "127.0.0.1:${ceilingPort}", http = (), service = "ceiling"),
    (name = "micro", address = "127.0.0.1:${microPort}", http = (), service = "micro"),
    # Only for the benchmark's call counters (GET /__bench/cache-stats).
    (name = "cache-stats", address = "127.0.0.1:${cachePort}", http = (), service = "cache"),
  ],
);
`;
    await writeFile(join(dir, 'config.capnp'), capnp);

    const bin = workerdBinary();
    const version = await new Promise<string>((res) => {
      const p = spawn(bin, ['--version']);
      let out = '';
      p.stdout.on('data', (d) => (out += d));
      p.on('close', () => res(out.trim()));
    });
    const inspector = opts.inspectorPort ? ['--inspector-addr', `127.0.0.1:${opts.inspectorPort}`] : [];
    const [command, ...prefix] = [...(opts.wrapper ?? []), bin];
    child = spawn(command!, [...prefix, 'serve', join(dir, 'config.capnp'), ...inspector], { cwd: dir, stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      // The worker's console.error lands here: pass it on, and keep a tail for a failed start.
      process.stderr.write(d.toString().replace(/^(?=.)/gm, '[workerd] '));
      stderr += d.toString();
      if (stderr.length > 20_000) stderr = stderr.slice(-10_000);
    });
    const exited = new Promise<number | null>((res) => child!.once('exit', (code) => res(code)));
    const edgeUrl = `http://127.0.0.1:${edgePort}`;
    await Promise.race([
      waitForHealth(`${edgeUrl}/__edge/health`, 'edge under workerd', opts.startTimeoutMs),
      exited.then((code) => {
        throw new Error(`workerd exited (${code}) before the edge was healthy:\n${stderr}`);
      }),
    ]);
    const proc = child;
    return {
      cpuMs: () => processCpuMs(proc.pid!),
      pid: proc.pid!,
      edgeUrl,
      ceilingUrl: `http://127.0.0.1:${ceilingPort}`,
      microUrl: `http://127.0.0.1:${microPort}`,
      bundlePath: join(dir, 'edge.mjs'),
      sourceMapPath: `${bundle.path}.map`,
      bundle: bundle.size,
      cacheApiCalls: async () => (await (await fetch(`http://127.0.0.1:${cachePort}/__bench/cache-stats`)).json()) as CacheApiCalls,
      describe: {
        workerd: version,
        compatibilityDate,
        cache: 'cacheApiOutbound → in-memory worker in the same workerd (bench/harness/memory-cache.worker.js)',
        durableObjectStorage: 'SQLite-backed, localDisk in a temp directory (as miniflare does)',
      },
      stop: async () => {
        if (proc.exitCode === null && proc.signalCode === null) {
          proc.kill('SIGTERM');
          const timer = setTimeout(() => proc.kill('SIGKILL'), 3_000);
          await exited;
          clearTimeout(timer);
        }
        await rm(dir, { recursive: true, force: true });
      },
      killNow: () => {
        if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    child?.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

function workerdBinary(): string {
  // `workerd`'s main module exports the platform binary's path (what wrangler/miniflare run).
  const require = createRequire(import.meta.url);
  const mod = require('workerd') as { default?: string } | string;
  return typeof mod === 'string' ? mod : (mod.default ?? join(ROOT, 'node_modules/workerd/bin/workerd'));
}

/**
 * The upload `wrangler deploy` would make, built by `wrangler deploy --dry-run --outdir` (same
 * esbuild settings, conditions and `wrangler.toml` options as a deploy), so the benchmark runs and
 * sizes the artifact that ships. Size as wrangler reports it: module bytes, and their gzip.
 */
async function wranglerBundle(outdir: string): Promise<{ path: string; size: BundleSize }> {
  const require = createRequire(import.meta.url);
  const cli = join(dirname(require.resolve('wrangler/package.json')), 'bin', 'wrangler.js');
  await new Promise<void>((res, rej) => {
    const p = spawn(process.execPath, [cli, 'deploy', '--dry-run', '--outdir', outdir, '--config', WRANGLER_TOML], {
      cwd: ROOT,
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    p.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    p.once('error', rej);
    p.once('exit', (code) => (code === 0 ? res() : rej(new Error(`wrangler deploy --dry-run failed (${code}):\n${err}`))));
  });
  const modules = (await readdir(outdir)).filter((f) => /\.(m?js|wasm)$/.test(f));
  if (!modules.includes('index.js')) throw new Error(`wrangler wrote no index.js to ${outdir}: ${modules.join(', ')}`);
  const contents = await Promise.all(modules.map((f) => readFile(join(outdir, f))));
  const all = Buffer.concat(contents);
  return { path: join(outdir, 'index.js'), size: { bytes: all.byteLength, gzipBytes: gzipSync(all).byteLength } };
}

/** Sum of the per-thread run times (/proc/<pid>/task/<tid>/schedstat: first field, ns). */
async function processCpuMs(pid: number): Promise<number> {
  let ns = 0;
  for (const tid of await readdir(`/proc/${pid}/task`)) {
    const stat = await readFile(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').catch(() => '0');
    ns += Number(stat.split(' ')[0]);
  }
  return ns / 1e6;
}

/** Cap'n Proto text literal (JSON string escapes are valid capnp escapes for these values). */
function str(value: string): string {
  return JSON.stringify(value);
}
