import { join } from 'node:path';
import { ensureDevSecrets, type DevSecrets } from '@conductor/schema/auth/dev-keys';
import { mintToken, type MintOptions } from '@conductor/schema/auth/tokens';
import { startControlPlane } from '@conductor/control-plane/server';
import { startOrigin } from '@conductor/example-origin/server';
import { silenceSqliteExperimentalWarning } from '@conductor/sdk/sqlite-warning';
import { startEdgeWorker, type EdgeWorker } from './edge-worker.ts';
import { freePort } from './free-port.ts';
import { waitForHealth } from './wait-for-health.ts';

export interface StackOptions {
  /** 0 or omitted = a free port (tests); `npm start` passes fixed ones. */
  ports?: Partial<{ edge: number; controlPlane: number; origin: number }>;
  /** Holds dev secrets (keys/) and, unless pglitePath/databaseUrl say otherwise, the PGlite files. */
  dataDir: string;
  /** PostgreSQL through the Neon driver; wins over pglitePath. */
  databaseUrl?: string;
  /** `memory://` for throwaway stacks; default `<dataDir>/pglite`. */
  pglitePath?: string;
  originLatencyMs?: number;
  /** Seed tenants acme/globex, the demo safelist and invalidation map. */
  seedDemo?: boolean;
  /** Keep the edge's Durable Object and cache state under `<dataDir>/edge` (default: in memory). */
  persistEdge?: boolean;
  /**
   * TEST-ONLY: module aliases for the edge's build (wrangler `alias`), e.g. the leakage pack's
   * deliberately broken keyer. Never set by `npm start` or the benchmark.
   */
  edgeBuildAlias?: Record<string, string>;
}

/** A part of the stack that chaos tests may stop and start again (same port, same data). */
export type StackComponent = 'edge' | 'origin' | 'controlPlane';

export interface StackComponents {
  /** Stops one component; a no-op when it is not running. */
  stop(name: StackComponent): Promise<void>;
  /**
   * Starts it again on its port with its configuration. The origin keeps its outbox (dataDir);
   * the edge keeps its Durable Object and cache only with `persistEdge`, and gets a new
   * workerd socket (use `edgeUrl`, not `edgeDirectUrl`, across a restart); a control plane on
   * `memory://` PGlite comes back empty.
   */
  start(name: StackComponent): Promise<void>;
  running(name: StackComponent): boolean;
}

type ControlPlane = Awaited<ReturnType<typeof startControlPlane>>;
type Origin = Awaited<ReturnType<typeof startOrigin>>;

export interface Stack {
  edgeUrl: string;
  /** The edge worker's own workerd socket, bypassing wrangler's ProxyWorker (see edge-worker.ts). */
  edgeDirectUrl: string;
  controlPlaneUrl: string;
  originUrl: string;
  secrets: DevSecrets;
  /** Mints a JWT with the stack's dev key. */
  token(opts: MintOptions): Promise<string>;
  /** Delegates to the origin currently running, so it stays valid across `components` restarts. */
  origin: Origin;
  /** The control plane started first; after a `components` restart use `controlPlaneUrl` (same port). */
  controlPlane: ControlPlane;
  /** Chaos tests: stop and restart one component under the running stack. */
  components: StackComponents;
  stop(): Promise<void>;
}

/** The edge's own credential: pulling /v1/edge/config and pushing /v1/metrics/edge. */
export const EDGE_SERVICE_TOKEN: MintOptions = {
  tenant: 'conductor',
  sub: 'service:edge',
  roles: ['edge'],
  scopes: ['edge.config', 'edge.metrics'],
  ttl: '30d',
};

const EDGE_READY_TIMEOUT_MS = 30_000;

/**
 * Starts control plane → origin → edge, each on loopback. Used by `npm start`, the e2e suites and
 * the benchmark, so all three exercise the same wiring. On a failed start, what already runs is stopped.
 */
export async function startStack(opts: StackOptions): Promise<Stack> {
  // The origin's purge outbox loads node:sqlite in this process; its ExperimentalWarning is known. Others still print.
  silenceSqliteExperimentalWarning();
  const secrets = await ensureDevSecrets(opts.dataDir);
  const edgePort = opts.ports?.edge || (await freePort());
  const edgeUrl = `http://127.0.0.1:${edgePort}`;
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch((err) => console.error('[stack] stop failed:', err));
  };

  // What runs now; `components` stops and restarts entries on the ports the first start got.
  const running: { controlPlane?: ControlPlane; origin?: Origin; edge?: EdgeWorker } = {};
  const ports = { controlPlane: opts.ports?.controlPlane ?? 0, origin: opts.ports?.origin ?? 0 };
  const current = <K extends keyof typeof running>(name: K): NonNullable<(typeof running)[K]> => {
    const c = running[name];
    if (!c) throw new Error(`[stack] ${name} is stopped`);
    return c as NonNullable<(typeof running)[K]>;
  };
  const starters: Record<StackComponent, () => Promise<void>> = {
    controlPlane: async () => {
      running.controlPlane = await startControlPlane({
        port: ports.controlPlane,
        host: '127.0.0.1',
        databaseUrl: opts.databaseUrl,
        pglitePath: opts.pglitePath ?? join(opts.dataDir, 'pglite'),
        dataDir: opts.dataDir,
        edgeUrl,
        // Asked at each export read: the origin starts after the control plane, on a port chosen then.
        originUrl: () => `http://127.0.0.1:${ports.origin}`,
        seedDemo: opts.seedDemo ?? true,
      });
      ports.controlPlane = running.controlPlane.port;
    },
    origin: async () => {
      running.origin = await startOrigin({
        port: ports.origin,
        host: '127.0.0.1',
        jwksUrl: `http://127.0.0.1:${ports.controlPlane}/.well-known/jwks.json`,
        edgeUrl,
        purgeSecret: secrets.purgeSecret,
        latencyMs: opts.originLatencyMs ?? 30,
        // The purge outbox lives here, so pending purges survive an origin restart.
        dataDir: join(opts.dataDir, 'origin'),
        // …and reports its backlog, so the control plane's invalidation-backlog alert sees it.
        controlPlaneUrl: `http://127.0.0.1:${ports.controlPlane}`,
      });
      ports.origin = running.origin.port;
    },
    edge: async () => {
      running.edge = await startEdgeWorker({
        port: edgePort,
        controlPlaneUrl: `http://127.0.0.1:${ports.controlPlane}`,
        originUrl: `http://127.0.0.1:${ports.origin}`,
        purgeSecret: secrets.purgeSecret,
        controlPlaneToken: await mintToken(secrets.privateJwk, EDGE_SERVICE_TOKEN),
        persistDir: opts.persistEdge ? join(opts.dataDir, 'edge') : undefined,
        alias: opts.edgeBuildAlias,
      });
      await waitForHealth(`${running.edge.url}/__edge/health`, 'edge', EDGE_READY_TIMEOUT_MS);
    },
  };
  const stoppers: Record<StackComponent, () => Promise<void>> = {
    controlPlane: async () => running.controlPlane?.close(),
    origin: async () => running.origin?.close(),
    edge: async () => running.edge?.stop(),
  };
  const components: StackComponents = {
    stop: async (name) => {
      await stoppers[name]();
      running[name] = undefined;
    },
    start: async (name) => {
      if (!running[name]) await starters[name]();
    },
    running: (name) => running[name] !== undefined,
  };

  try {
    await starters.controlPlane();
    stops.push(() => components.stop('controlPlane'));
    const controlPlane = current('controlPlane');

    await starters.origin();
    stops.push(() => components.stop('origin'));
    const origin: Origin = {
      url: current('origin').url,
      port: ports.origin,
      stats: () => current('origin').stats(),
      resetStats: () => current('origin').resetStats(),
      outboxStats: () => current('origin').outboxStats(),
      close: () => components.stop('origin'),
    };

    stops.push(() => components.stop('edge'));
    await starters.edge();
    const edge = current('edge');

    return {
      edgeUrl: edge.url,
      edgeDirectUrl: edge.directUrl,
      controlPlaneUrl: controlPlane.url,
      originUrl: origin.url,
      secrets,
      token: (mint) => mintToken(secrets.privateJwk, mint),
      origin,
      controlPlane,
      components,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
