import { describe, expect, it } from 'vitest';
import { UsageError, type CliIO, type Command } from './command.ts';
import { runCli } from './run.ts';

// In-process checks of the dispatcher with throwaway commands; cli.test.ts drives the real binary.
function capture(): CliIO & { out: string; err: string } {
  const io = { env: {}, out: '', err: '', stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) };
  return io;
}

const calls: string[][] = [];
const fake = (name: string, run: Command['run'] = async (args) => void calls.push([name, ...args])): Command => ({
  name,
  summary: `the ${name} command`,
  usage: `Usage: conductor ${name}`,
  run,
});

describe('runCli', () => {
  it('dispatches multi-word commands by the longest matching name', async () => {
    calls.length = 0;
    const available = [fake('audit'), fake('audit verify')];
    expect(await runCli(['audit', 'verify', '--from', '3'], capture(), available)).toBe(0);
    expect(await runCli(['audit', '--x'], capture(), available)).toBe(0);
    expect(calls).toEqual([
      ['audit verify', '--from', '3'],
      ['audit', '--x'],
    ]);
  });

  it('maps usage errors to exit 2 with the usage, failures to exit 1 with error CODE', async () => {
    const usage = capture();
    expect(await runCli(['bad'], usage, [fake('bad', async () => Promise.reject(new UsageError('nope')))])).toBe(2);
    expect(usage.err).toBe('nope\n\nUsage: conductor bad\n');

    const failure = capture();
    expect(await runCli(['boom'], failure, [fake('boom', async () => Promise.reject(new Error('kaput')))])).toBe(1);
    expect(failure.err).toBe('error INTERNAL: kaput\n');
  });
});
