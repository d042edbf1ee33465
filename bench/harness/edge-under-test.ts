import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDevSecrets } from '@conductor/schema/auth/dev-keys';
import { mintToken } from '@conductor/schema/auth/tokens';
import { startControlPlane } from '@conductor/control-plane/server';
import { startOrigin } from '@conductor/example-origin/server';
import { EDGE_SERVICE_TOKEN } from '../../scripts/stack.ts';
import { persistedRequests, TENANT } from '../edge-mix.ts';
import type { LoadRequest } from '../load.ts';
import { startWorkerdHarness, type WorkerdHarnessOptions, type WorkerdHarness } from './workerd.ts';

export interface EdgeUnderTest {
  harness: WorkerdHarness;
  /** The bench:edge mix, as the edge receives it, with a JWT of the mix's tenant. */
  requests: LoadRequest[];
  /** Sends every request of the mix once (fills the cache) and checks the answers. */
  warm(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The edge under plain workerd with just what its hit path needs behind it: a control plane
 * (PGlite in memory, demo seed) and the example origin, both in this process. For the profiling
 * scripts; `bench:edge` itself runs the whole stack (scripts/stack.ts).
 */
export async function startEdgeUnderTest(
  opts: Pick<WorkerdHarnessOptions, 'inspectorPort' | 'wrapper' | 'startTimeoutMs'> & { ceilingBodyBytes?: number },
): Promise<EdgeUnderTest> {
  const dataDir = await mkdtemp(join(tmpdir(), 'conductor-edge-under-test-'));
  const secrets = await ensureDevSecrets(dataDir);
  const controlPlane = await startControlPlane({ port: 0, host: '127.0.0.1', pglitePath: 'memory://', dataDir, seedDemo: true });
  const origin = await startOrigin({
    port: 0,
    host: '127.0.0.1',
    jwksUrl: `${controlPlane.url}/.well-known/jwks.json`,
    // Reads only: nothing here sends purges.
    edgeUrl: 'http://127.0.0.1:9',
    purgeSecret: secrets.purgeSecret,
    latencyMs: 30,
  });
  const stopBackends = async () => {
    await origin.close();
    await controlPlane.close();
    await rm(dataDir, { recursive: true, force: true });
  };
  let harness: WorkerdHarness;
  try {
    harness = await startWorkerdHarness({
      controlPlaneUrl: controlPlane.url,
      originUrl: origin.url,
      purgeSecret: secrets.purgeSecret,
      controlPlaneToken: await mintToken(secrets.privateJwk, EDGE_SERVICE_TOKEN),
      ceilingBodyBytes: opts.ceilingBodyBytes ?? 117,
      ...opts,
    });
  } catch (err) {
    await stopBackends();
    throw err;
  }
  const requests = persistedRequests(await mintToken(secrets.privateJwk, { tenant: TENANT }));
  return {
    harness,
    requests,
    warm: async () => {
      for (const r of requests) {
        const res = await fetch(`${harness.edgeUrl}${r.path}`, { method: r.method, headers: r.headers, body: r.body });
        if (res.status !== 200) throw new Error(`warm-up failed: ${res.status} ${await res.text()}`);
        await res.arrayBuffer();
      }
    },
    stop: async () => {
      await harness.stop();
      await stopBackends();
    },
  };
}
