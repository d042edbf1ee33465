import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabaseUrl } from '@conductor/control-plane/testing/database';
import { startStack, type Stack, type StackOptions } from '../../scripts/stack.ts';

export interface TestStack extends Stack {
  dataDir: string;
}

/**
 * One real stack (control plane, origin, edge in workerd) per test file. Embedded runs keep
 * everything in memory; under `npm run test:pg` (DATABASE_URL set) the control plane gets its own
 * PostgreSQL database next to DATABASE_URL's, dropped on stop, so files never share rows.
 */
export async function startTestStack(opts: Partial<StackOptions> = {}): Promise<TestStack> {
  const dataDir = await mkdtemp(join(tmpdir(), 'conductor-e2e-'));
  const database = await createTestDatabaseUrl();
  let stack: Stack;
  try {
    stack = await startStack({ dataDir, databaseUrl: database?.url, pglitePath: 'memory://', ...opts });
  } catch (err) {
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  return {
    ...stack,
    dataDir,
    stop: async () => {
      await stack.stop();
      await database?.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
