import { describe, expect, it } from 'vitest';
import type { CliIO } from './command.ts';
import { runCli } from './run.ts';

// What `conductor export …` refuses before any request, and how an unreachable control plane reads.
async function run(args: string[], env: Record<string, string> = { CONDUCTOR_TOKEN: 'x.y.z' }) {
  const io = { out: '', err: '' };
  const cli: CliIO = { env, stdout: (t) => void (io.out += t), stderr: (t) => void (io.err += t) };
  return { code: await runCli(['export', ...args], cli), ...io };
}

describe('conductor export usage', () => {
  it.each([
    [['create', '--tenant', 'acme', '--purpose', 'investigation'], '--license is required'],
    [['create', '--tenant', 'acme', '--license', 'Restricted-TOS', '--purpose', 'investigation', '--max-documents', '0'], '--max-documents must be a positive integer'],
    [['create', '--tenant', 'Acme!', '--license', 'Restricted-TOS', '--purpose', 'investigation'], 'lowercase'],
    [['status'], 'give exactly one export ID'],
    [['status', '../etc'], 'invalid export ID "../etc"'],
    [['pull', 'exp_1'], '--out is required'],
    [['pull', 'exp_1', '--out', 'd', '--parallel', '0'], '--parallel must be a positive integer'],
    [['pull', 'exp_1', '--out', 'd', '--parallel', '33'], '--parallel must be at most 32'],
    [['pull', 'exp_1', '--out', 'd', '--control-plane', 'not a url'], 'invalid control plane URL "not a url"'],
    [['verify'], 'give exactly one DIR'],
  ])('exits 2 on %j', async (args, message) => {
    const result = await run(args);
    expect(result.code).toBe(2);
    expect(result.err).toContain(message);
    expect(result.err).toContain(`Usage: conductor export ${args[0]}`);
  });

  it('asks for a token when neither --token nor CONDUCTOR_TOKEN is set', async () => {
    const result = await run(['pull', 'exp_1', '--out', 'd'], {});
    expect(result.code).toBe(2);
    expect(result.err).toContain('a token is required: --token or $CONDUCTOR_TOKEN');
  });

  it('reports an unreachable control plane as a failure, not a crash', async () => {
    for (const args of [['create', '--tenant', 'acme', '--license', 'Restricted-TOS', '--purpose', 'investigation'], ['status', 'exp_1'], ['pull', 'exp_1', '--out', 'd']]) {
      const result = await run([...args, '--control-plane', 'http://127.0.0.1:9']);
      expect(result.code).toBe(1);
      expect(result.err).toMatch(/^error CONTROL_PLANE_UNAVAILABLE: cannot reach http:\/\/127\.0\.0\.1:9/);
    }
  });
});
