import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startWsRelay, type WsRelay } from './ws-relay.ts';

let relay: WsRelay;
let echo: Server;
let echoPort: number;

beforeAll(async () => {
  relay = await startWsRelay();
  echo = createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  echoPort = (echo.address() as AddressInfo).port;
});
afterAll(async () => {
  await relay.close();
  await new Promise((resolve) => echo.close(resolve));
});

function open(address: string): WebSocket {
  return new WebSocket(`ws://127.0.0.1:${relay.port}/v2?address=${address}`);
}

describe('startWsRelay', () => {
  it('carries bytes both ways between a WebSocket and a loopback TCP server', async () => {
    const ws = open(`127.0.0.1:${echoPort}`);
    const reply = await new Promise<Buffer>((resolve, reject) => {
      ws.once('open', () => ws.send(Buffer.from('ping\x00\x01')));
      ws.once('message', (data) => resolve(data as Buffer));
      ws.once('error', reject);
    });
    expect(reply.toString()).toBe('ping\x00\x01');
    ws.close();
  });

  it('refuses to forward to a non-loopback address', async () => {
    const ws = open('10.1.2.3:5432');
    const code = await new Promise<number>((resolve) => ws.once('close', (c) => resolve(c)));
    expect(code).toBe(1008);
  });
});
