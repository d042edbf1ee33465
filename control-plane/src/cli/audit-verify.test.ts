import { eq, min } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '@conductor/schema/audit';
import type { RunningControlPlane } from '../server.ts';
import { startTestControlPlane, type TestControlPlane } from '../testing/control-plane.ts';
import type { CliIO } from './command.ts';
import { runCli } from './run.ts';

// `conductor audit verify` against a real control plane whose key lives in the same data dir.
let running: TestControlPlane;
let dataDir: string;
let cp: RunningControlPlane;

beforeAll(async () => {
  running = await startTestControlPlane();
  ({ cp, dataDir } = running);
});
afterAll(() => running?.stop());

async function verify(): Promise<{ code: number; out: string; err: string }> {
  const io = { out: '', err: '' };
  const cli: CliIO = {
    env: { CONDUCTOR_DATA_DIR: dataDir, CONTROL_PLANE_URL: cp.url },
    stdout: (t) => void (io.out += t),
    stderr: (t) => void (io.err += t),
  };
  const code = await runCli(['audit', 'verify'], cli);
  return { code, ...io };
}

describe('conductor audit verify', () => {
  it('passes on the seeded chain and fails, naming the row, once a row is altered', async () => {
    const ok = await verify();
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/audit chain verified: [1-9]\d* rows/);

    const [first] = await cp.db.select({ seq: min(auditLog.seq) }).from(auditLog);
    const seq = Number(first!.seq);
    await cp.db.update(auditLog).set({ actor: 'mallory' }).where(eq(auditLog.seq, seq));
    const broken = await verify();
    expect(broken.code).toBe(1);
    expect(broken.err).toContain(`error AUDIT_CHAIN_BROKEN: row ${seq}`);
  });

  it('reports an unreachable control plane as a failure, not a crash', async () => {
    const io = { err: '' };
    const code = await runCli(['audit', 'verify', '--control-plane', 'http://127.0.0.1:9'], {
      env: { CONDUCTOR_DATA_DIR: dataDir },
      stdout: () => {},
      stderr: (t) => void (io.err += t),
    });
    expect(code).toBe(1);
    expect(io.err).toContain('error CONTROL_PLANE_UNAVAILABLE');
  });
});
