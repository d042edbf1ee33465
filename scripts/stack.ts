import { join } from 'node:path';
import { ensureDevSecrets, type DevSecrets } from '../control-plane/src/auth/dev-keys.ts';
import { mintToken, type MintOptions } from '../control-plane/src/auth/tokens.ts';
import { startControlPlane } from '../control-plane/src/server.ts';
import { startOrigin } from '../examples/origin/src/server.ts';
import { startEdgeWorker, type EdgeWorker } from './edge-worker.ts';
import { freePort } from './free-port.ts';

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
  origin: Origin;
  controlPlane: ControlPlane;
  stop(): Promise<void>;
}

/** The edge's own credential for pulling /v1/edge/config. */
export const EDGE_SERVICE_TOKEN: MintOptions = {
  tenant: 'conductor',
  sub: 'service:edge',
  roles: ['edge'],
  scopes: ['edge.config'],
  ttl: '30d',
};

const EDGE_READY_TIMEOUT_MS = 30_000;

/**
 * Starts control plane → origin → edge, each on loopback. Used by `npm start`, the e2e suites and
 * the benchmark, so all three exercise the same wiring. On a failed start, what already runs is stopped.
 */
export async function startStack(opts: StackOptions): Promise<Stack> {
  const secrets = await ensureDevSecrets(opts.dataDir);
  const edgePort = opts.ports?.edge || (await freePort());
  const edgeUrl = `http://127.0.0.1:${edgePort}`;
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch((err) => console.error('[stack] stop failed:', err));
  };

  try {
    const controlPlane = await startControlPlane({
      port: opts.ports?.controlPlane ?? 0,
      host: '127.0.0.1',
      databaseUrl: opts.databaseUrl,
      pglitePath: opts.pglitePath ?? join(opts.dataDir, 'pglite'),
      dataDir: opts.dataDir,
      edgeUrl,
      seedDemo: opts.seedDemo ?? true,
    });
    stops.push(() => controlPlane.close());

    const origin = await startOrigin({
      port: opts.ports?.origin ?? 0,
      host: '127.0.0.1',
      jwksUrl: `${controlPlane.url}/.well-known/jwks.json`,
      edgeUrl,
      purgeSecret: secrets.purgeSecret,
      latencyMs: opts.originLatencyMs ?? 30,
    });
    stops.push(() => origin.close());

    const edge: EdgeWorker = await startEdgeWorker({
      port: edgePort,
      controlPlaneUrl: controlPlane.url,
      originUrl: origin.url,
      purgeSecret: secrets.purgeSecret,
      controlPlaneToken: await mintToken(secrets.privateJwk, EDGE_SERVICE_TOKEN),
      persistDir: opts.persistEdge ? join(opts.dataDir, 'edge') : undefined,
    });
    stops.push(() => edge.stop());
    await waitForHealth(`${edge.url}/__edge/health`);

    return {
      edgeUrl: edge.url,
      edgeDirectUrl: edge.directUrl,
      controlPlaneUrl: controlPlane.url,
      originUrl: origin.url,
      secrets,
      token: (mint) => mintToken(secrets.privateJwk, mint),
      origin,
      controlPlane,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

// workerd answers before the worker has pulled its first config; health says when it is usable.
async function waitForHealth(url: string): Promise<void> {
  const deadline = Date.now() + EDGE_READY_TIMEOUT_MS;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
      last = `${res.status} ${await res.text()}`;
    } catch (err) {
      last = String(err);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`edge not healthy after ${EDGE_READY_TIMEOUT_MS} ms at ${url}: ${last}`);
}
