import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SERVER = fileURLToPath(new URL('./server.ts', import.meta.url));

export interface PeerProcess {
  url: string;
  pid: number;
  stop(): Promise<void>;
  /** Synchronous, for exit paths. */
  killNow(): void;
}

/** Starts bench/peer/server.ts in its own Node process (the same Node 22 as the benchmark). */
export async function spawnPeer(opts: { jwksUrl: string; latencyMs: number }): Promise<PeerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER], {
    env: { ...process.env, PEER_JWKS_URL: opts.jwksUrl, PEER_LATENCY_MS: String(opts.latencyMs), PEER_PORT: '0' },
    // stdin stays open as a lifeline: the peer exits when it closes (the benchmark died).
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('peer did not start within 30 s')), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { url: string }).url);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`peer exited (${code}) before listening`));
    });
  });
  return {
    url,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
    killNow: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    },
  };
}
