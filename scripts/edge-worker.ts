import { fileURLToPath } from 'node:url';

// Must be set before wrangler loads: it reads the variable when its module initialises.
process.env.WRANGLER_SEND_METRICS = 'false';
// Miniflare would otherwise try to download a sample `Request.cf` object from Cloudflare on
// start; nothing but loopback is reachable here, and the edge takes its region from LOCAL_REGION.
process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false';

const WRANGLER_TOML = fileURLToPath(new URL('../wrangler.toml', import.meta.url));

export interface EdgeWorkerOptions {
  port: number;
  controlPlaneUrl: string;
  originUrl: string;
  purgeSecret: string;
  controlPlaneToken: string;
  /** Directory for Durable Object and cache state; omitted = in memory (tests, bench). */
  persistDir?: string;
  region?: string;
  /** TEST-ONLY module aliases for the build (wrangler `alias`); see StackOptions.edgeBuildAlias. */
  alias?: Record<string, string>;
}

export interface EdgeWorker {
  /** wrangler's dev server on the requested port (a ProxyWorker in front of the worker). */
  url: string;
  /**
   * The worker's own workerd socket, without the ProxyWorker hop: same isolate, bindings and
   * cache, fewer copies per request. The benchmark measures through it (docs/benchmarks.md).
   */
  directUrl: string;
  stop(): Promise<void>;
}

interface ReloadComplete {
  proxyData: { userWorkerUrl: { protocol: string; hostname: string; port: string } };
}

/**
 * Runs workers/edge in local workerd through wrangler's programmatic dev server, with the same
 * wrangler.toml as production and the local URLs/secrets injected as bindings (never written to disk).
 */
export async function startEdgeWorker(opts: EdgeWorkerOptions): Promise<EdgeWorker> {
  const { unstable_DevEnv } = await import('wrangler');
  // unstable_startWorker is `new DevEnv().startWorker()`; owning the DevEnv lets us hear which
  // socket the worker itself got (reloadComplete fires after `ready`).
  const devEnv = new unstable_DevEnv();
  const reloaded = new Promise<ReloadComplete>((resolve) => devEnv.once('reloadComplete', resolve));
  const worker = await devEnv.startWorker({
    config: WRANGLER_TOML,
    ...(opts.alias ? { build: { alias: opts.alias } } : {}),
    bindings: {
      CONTROL_PLANE_URL: { type: 'plain_text', value: opts.controlPlaneUrl },
      ORIGIN_URL: { type: 'plain_text', value: opts.originUrl },
      LOCAL_REGION: { type: 'plain_text', value: opts.region ?? 'local' },
      PURGE_SIGNING_SECRET: { type: 'secret_text', value: opts.purgeSecret },
      CONTROL_PLANE_TOKEN: { type: 'secret_text', value: opts.controlPlaneToken },
    },
    dev: {
      server: { hostname: '127.0.0.1', port: opts.port },
      inspector: false,
      // Other engineers edit the worker while stacks run: a stack must not hot-reload under a test.
      watch: false,
      persist: opts.persistDir ?? false,
      logLevel: 'warn',
    },
  });
  try {
    await worker.ready;
    const { userWorkerUrl } = (await reloaded).proxyData;
    return {
      url: (await worker.url).origin,
      directUrl: `${userWorkerUrl.protocol}//${userWorkerUrl.hostname}:${userWorkerUrl.port}`,
      stop: () => worker.dispose(),
    };
  } catch (err) {
    await worker.dispose();
    throw err;
  }
}
