import { createServer } from 'node:net';

/**
 * A loopback port the kernel just handed out. The control plane and origin must know the edge's
 * URL before the edge starts (they call its purge hook), so its port is chosen up front.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}
