import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runLoad, type LoadOptions, type LoadResult } from './load.ts';

/**
 * autocannon in its own Node process, so the load generator never shares an event loop with a
 * system under test (the example origin and the control plane live in the benchmark's process).
 * One child serves every phase of a run, one phase at a time.
 */
export interface LoadRunner {
  run(opts: LoadOptions): Promise<LoadResult>;
  close(): Promise<void>;
  /** Synchronous, for exit paths. */
  killNow(): void;
}

type ToChild = { type: 'run'; opts: Omit<LoadOptions, 'until'> } | { type: 'stop' };
type FromChild = { type: 'result'; result: LoadResult } | { type: 'error'; message: string };

export async function startLoadRunner(): Promise<LoadRunner> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--child'], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // structured clone keeps NaN percentiles (an empty phase) as NaN
    serialization: 'advanced',
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let busy = false;
  return {
    run: async ({ until, ...opts }) => {
      if (busy) throw new Error('load runner: one phase at a time');
      busy = true;
      try {
        return await new Promise<LoadResult>((resolve, reject) => {
          const onMessage = (m: FromChild) => {
            cleanup();
            if (m.type === 'result') resolve(m.result);
            else reject(new Error(`load runner: ${m.message}`));
          };
          const onExit = (code: number | null) => {
            cleanup();
            reject(new Error(`load runner exited (${code})`));
          };
          const cleanup = () => {
            child.off('message', onMessage);
            child.off('exit', onExit);
          };
          child.on('message', onMessage);
          child.once('exit', onExit);
          child.send({ type: 'run', opts } satisfies ToChild);
          void until?.then(() => child.connected && child.send({ type: 'stop' } satisfies ToChild));
        });
      } finally {
        busy = false;
      }
    },
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.disconnect();
        await exited;
      }
    },
    killNow: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    },
  };
}

if (process.argv.includes('--child') && process.send) {
  let stop: (() => void) | undefined;
  process.on('message', (m: ToChild) => {
    if (m.type === 'stop') return stop?.();
    const until = new Promise<void>((resolve) => (stop = resolve));
    runLoad({ ...m.opts, until }).then(
      (result) => process.send!({ type: 'result', result } satisfies FromChild),
      (err: unknown) => process.send!({ type: 'error', message: String(err) } satisfies FromChild),
    );
  });
  process.on('disconnect', () => process.exit(0));
}
