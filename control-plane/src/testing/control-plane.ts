import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startControlPlane, type ControlPlaneOptions, type RunningControlPlane } from '../server.ts';
import { createTestDatabaseUrl } from './database.ts';

export interface TestControlPlane {
  cp: RunningControlPlane;
  /** Holds the dev keys the server signs and verifies with. */
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * A seeded control plane on a random port, with its own data dir and (under test:pg) its own
 * database. `originUrl` registers the export build job (a function: an origin started after it).
 */
export async function startTestControlPlane(opts: Pick<ControlPlaneOptions, 'originUrl' | 'schedulerTickMs'> = {}): Promise<TestControlPlane> {
  const dataDir = await mkdtemp(join(tmpdir(), 'conductor-cp-'));
  const pg = await createTestDatabaseUrl();
  const cp = await startControlPlane({ port: 0, dataDir, databaseUrl: pg?.url, pglitePath: 'memory://', seedDemo: true, ...opts });
  return {
    cp,
    dataDir,
    stop: async () => {
      await cp.close();
      await pg?.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
