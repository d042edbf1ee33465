import { Readable } from 'node:stream';
import { Client, fetch, type RequestInit } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDevSecrets } from '@conductor/schema/auth/dev-keys';
import { mintToken } from '@conductor/schema/auth/tokens';
import { createApp, MAX_BODY_BYTES } from '../app.ts';
import { defaultBlobRoot, fsBlobStore } from '../exports/blobs/fs.ts';
import { SAFELIST_MANIFEST_MAX_BODY_BYTES, SAFELIST_MANIFEST_PATH } from '../cache/safelist/routes.ts';
import { EDGE_METRICS_MAX_BODY_BYTES, EDGE_METRICS_PATH } from '../metrics/routes.ts';
import { PLATFORM_ADMIN } from '../testing/app.ts';
import { startTestControlPlane, type TestControlPlane } from '../testing/control-plane.ts';
import { DRAIN_MAX_BYTES } from './body-limit.ts';

// Oversized bodies against the real Node server (startControlPlane), from undici, Node's own fetch:
// every client must read the 413 itself, and the keep-alive connection must stay usable after it.

const LIMITS: Record<string, number> = { [EDGE_METRICS_PATH]: EDGE_METRICS_MAX_BODY_BYTES, [SAFELIST_MANIFEST_PATH]: SAFELIST_MANIFEST_MAX_BODY_BYTES };
const MiB = 1024 * 1024;

let running: TestControlPlane;
let token: string;
let writeRoutes: { method: string; path: string; limit: number }[];

beforeAll(async () => {
  running = await startTestControlPlane();
  token = await mintToken((await ensureDevSecrets(running.dataDir)).privateJwk, PLATFORM_ADMIN);
  // Every write route the API describes, path parameters filled in, plus admin GraphQL.
  const doc = (await (await fetch(`${running.cp.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
  writeRoutes = [{ method: 'POST', path: '/graphql', limit: MAX_BODY_BYTES }];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const method of Object.keys(ops).filter((m) => ['post', 'put', 'patch', 'delete'].includes(m))) {
      writeRoutes.push({ method: method.toUpperCase(), path: path.replace(/\{[^}]+\}/g, 'x'), limit: LIMITS[path] ?? MAX_BODY_BYTES });
    }
  }
});
afterAll(() => running?.stop());

/** A JSON body past the route's limit: 2 MB as found in the field, or 1 MiB past a larger limit. */
const oversized = (limit: number) => JSON.stringify({ pad: 'x'.repeat(Math.max(2_000_000, limit + MiB)) });

async function send(client: Client, method: string, path: string, init: Omit<RequestInit, 'dispatcher' | 'method'> = {}) {
  const res = await fetch(`${running.cp.url}${path}`, { ...init, method, dispatcher: client });
  return { status: res.status, connection: res.headers.get('connection'), body: (await res.json()) as { error?: { code: string } } };
}

async function expectUsable(client: Client) {
  expect(await send(client, 'GET', '/healthz')).toMatchObject({ status: 200, body: { ok: true } });
}

describe('oversized bodies on the Node server, through undici', () => {
  it('covers every write route, the larger limits included', () => {
    expect(writeRoutes.length).toBeGreaterThanOrEqual(19);
    expect(writeRoutes).toContainEqual({ method: 'POST', path: SAFELIST_MANIFEST_PATH, limit: SAFELIST_MANIFEST_MAX_BODY_BYTES });
  });

  it('answers 413 JSON to every POST, PUT and PATCH and keeps serving on the same connection', async () => {
    const client = new Client(running.cp.url);
    let connections = 0;
    client.on('connect', () => connections++);
    try {
      for (const { method, path, limit } of writeRoutes.filter((r) => r.method !== 'DELETE')) {
        const reply = await send(client, method, path, { body: oversized(limit), headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });
        expect(reply, `${method} ${path}`).toMatchObject({ status: 413, connection: 'keep-alive', body: { error: { code: 'PAYLOAD_TOO_LARGE' } } });
        await expectUsable(client);
      }
      expect(connections).toBe(1);
    } finally {
      await client.close();
    }
  });

  it('answers 413 to a DELETE with a body (undici itself reconnects after one) and the next request succeeds', async () => {
    const client = new Client(running.cp.url);
    try {
      for (const { method, path, limit } of writeRoutes.filter((r) => r.method === 'DELETE')) {
        const reply = await send(client, method, path, { body: oversized(limit), headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });
        expect(reply, `${method} ${path}`).toMatchObject({ status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE' } } });
        await expectUsable(client);
      }
    } finally {
      await client.close();
    }
  });

  it('counts a chunked body as it arrives, and an unread body under the limit leaves the connection clean', async () => {
    const client = new Client(running.cp.url);
    let connections = 0;
    client.on('connect', () => connections++);
    try {
      const text = oversized(MAX_BODY_BYTES);
      const chunked = Readable.from([text.slice(0, MiB), text.slice(MiB)]);
      const reply = await send(client, 'POST', '/v1/tenants', { body: chunked, duplex: 'half', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });
      expect(reply).toMatchObject({ status: 413, connection: 'keep-alive', body: { error: { code: 'PAYLOAD_TOO_LARGE' } } });
      await expectUsable(client);
      // Refused (no token) before anything reads the body.
      const unread = await send(client, 'POST', '/v1/tenants', { body: 'x'.repeat(MAX_BODY_BYTES - 1), headers: { 'content-type': 'text/plain' } });
      expect(unread).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHENTICATED' } } });
      await expectUsable(client);
      expect(connections).toBe(1);
    } finally {
      await client.close();
    }
  });
});

describe('a body past the drain bound', () => {
  it('is answered 413 with Connection: close, without reading it all', async () => {
    // The same app in-process (no socket to race against), over the server's database.
    const app = createApp({ db: running.cp.db, publicJwks: [], purgeSecret: 'unused-by-this-test-0123456789ab', edgeUrl: 'http://127.0.0.1:9', fetch: globalThis.fetch, exportBlobs: fsBlobStore(defaultBlobRoot(running.dataDir)) });
    const chunk = new Uint8Array(new ArrayBuffer(MiB)).fill(0x20);
    const total = DRAIN_MAX_BYTES + 8 * MiB;
    let sent = 0;
    const body = new ReadableStream<Uint8Array<ArrayBuffer>>({
      pull(controller) {
        if (sent >= total) return controller.close();
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const init: globalThis.RequestInit & { duplex: 'half' } = {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'content-length': String(total) },
      duplex: 'half',
    };
    const res = await app.request('/v1/tenants', init);
    expect(res.status).toBe(413);
    expect(res.headers.get('connection')).toBe('close');
    expect(await res.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(sent).toBeGreaterThan(DRAIN_MAX_BYTES);
    expect(sent).toBeLessThan(total);
  });
});
