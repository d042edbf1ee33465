import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, createWebSocketStream } from 'ws';

export interface WsRelay {
  port: number;
  close(): Promise<void>;
}

/**
 * What Neon's wsproxy does in production, for a local PostgreSQL: each WebSocket from the
 * Neon driver (`/v2?address=host:port`) becomes one TCP connection to Postgres. It listens on
 * loopback only and refuses non-loopback targets, so it cannot be used as an open relay.
 */
export async function startWsRelay(): Promise<WsRelay> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  wss.on('connection', (ws, req) => {
    const address = new URL(req.url ?? '/', 'ws://relay').searchParams.get('address') ?? '';
    const match = /^(127\.0\.0\.1|localhost|\[::1\]|::1):(\d+)$/.exec(address);
    if (!match) return ws.close(1008, 'relay only forwards to loopback');
    const socket = connect({ host: match[1] === 'localhost' ? '127.0.0.1' : match[1]!.replace(/[[\]]/g, ''), port: Number(match[2]) });
    const stream = createWebSocketStream(ws);
    stream.pipe(socket).pipe(stream);
    const end = () => { socket.destroy(); ws.terminate(); };
    socket.on('error', end);
    stream.on('error', end);
  });
  await new Promise<void>((resolve, reject) => wss.once('listening', resolve).once('error', reject));
  return {
    port: (wss.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}
