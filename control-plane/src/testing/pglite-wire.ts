import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

/*
 * A PGlite database served over the PostgreSQL wire protocol on loopback, so a client that only
 * speaks the protocol — the Neon driver inside workerd, through the WebSocket relay in
 * db/ws-relay.ts — reaches the same database a test reads directly. Test support only.
 *
 * Hand-written, and small: the startup handshake is answered here (trust, no TLS), and every
 * message after it is handed whole to PGlite's own protocol handler (`execProtocolRaw`), which
 * does the real work. The packages that do this pin other versions: @electric-sql/pglite-socket
 * 0.2 requires pglite 0.5.14 and seven extensions as peers; pg-gateway 0.2 corrupts its input
 * buffer when the message handler awaits (which a PGlite call must).
 *
 * PGlite is one session: messages of every connection run one at a time, in arrival order, so
 * two clients must not interleave transactions (the scheduler's Worker path uses one connection).
 */

export interface PgliteWireServer {
  port: number;
  /** `postgres://…@127.0.0.1:<port>/…`, for a Neon Pool behind the relay. */
  url: string;
  close(): Promise<void>;
}

const SSL_REQUEST = 80877103;
const GSS_REQUEST = 80877104;
const PROTOCOL_3 = 196608;

function message(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

const cstrings = (...parts: string[]) => Buffer.concat(parts.map((p) => Buffer.from(`${p}\0`, 'utf8')));

function handshake(): Buffer {
  const keyData = Buffer.alloc(8);
  keyData.writeInt32BE(process.pid, 0);
  keyData.writeInt32BE(1, 4);
  return Buffer.concat([
    message('R', Buffer.from([0, 0, 0, 0])), // AuthenticationOk
    ...[
      ['server_version', '17.4'],
      ['server_encoding', 'UTF8'],
      ['client_encoding', 'UTF8'],
      ['DateStyle', 'ISO, MDY'],
      ['integer_datetimes', 'on'],
      ['standard_conforming_strings', 'on'],
      ['TimeZone', 'UTC'],
    ].map(([k, v]) => message('S', cstrings(k!, v!))),
    message('K', keyData),
    message('Z', Buffer.from('I', 'latin1')), // ReadyForQuery, idle
  ]);
}

export async function servePgliteWire(pglite: PGlite): Promise<PgliteWireServer> {
  let queue: Promise<unknown> = Promise.resolve();
  const sockets = new Set<Socket>();

  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let started = false;
    let pending = Buffer.alloc(0);

    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        if (!started) {
          if (pending.length < 8) return;
          const length = pending.readInt32BE(0);
          if (pending.length < length) return;
          const code = pending.readInt32BE(4);
          pending = pending.subarray(length);
          if (code === SSL_REQUEST || code === GSS_REQUEST) {
            socket.write('N'); // no encryption: the client goes on in plain text
            continue;
          }
          if (code !== PROTOCOL_3) {
            socket.end(message('E', cstrings('SFATAL', 'C08P01', `Munsupported protocol ${code}`, '')));
            return;
          }
          started = true;
          socket.write(handshake());
          continue;
        }
        if (pending.length < 5) return;
        const length = pending.readInt32BE(1);
        if (pending.length < 1 + length) return;
        const msg = pending.subarray(0, 1 + length);
        pending = pending.subarray(1 + length);
        if (msg[0] === 0x58) {
          // Terminate
          socket.end();
          return;
        }
        queue = queue.then(async () => {
          if (socket.destroyed) return;
          const reply = await pglite.execProtocolRaw(new Uint8Array(msg));
          if (reply.length > 0 && !socket.destroyed) socket.write(reply);
        });
      }
    });
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `postgres://conductor@127.0.0.1:${port}/conductor`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await queue.catch(() => {});
    },
  };
}
