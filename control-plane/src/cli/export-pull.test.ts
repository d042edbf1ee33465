import { execFile, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOrigin, type RunningOrigin } from '@conductor/example-origin/server';
import { ensureDevSecrets, generateSecrets, publicJwks } from '@conductor/schema/auth/dev-keys';
import { mintToken } from '@conductor/schema/auth/tokens';
import type { Manifest } from '@conductor/schema/contracts/exports';
import { EXPORT_BUILD_JOB } from '../exports/build/job.ts';
import { getExport, insertExport } from '../exports/queries.ts';
import { chunkPath, chunksDir, manifestPath, parseChunkFileName, pullExport, PullError, type PullStats } from '../exports/pull/index.ts';
import { startControlPlane, type RunningControlPlane } from '../server.ts';
import { createTestDatabaseUrl, type TestDatabaseUrl } from '../testing/database.ts';
import type { CliIO } from './command.ts';
import { runCli } from './run.ts';

/*
 * `conductor export create|status|pull|verify` against the real stack: the control plane (PGlite,
 * or PostgreSQL under test:pg) with its scheduler building exports from the example origin, the
 * review route approving them, and the chunk routes serving them with Range and If-Range.
 */
const bin = resolve(import.meta.dirname, '../../bin/conductor.mjs');

let root: string;
let dataDir: string;
let pg: TestDatabaseUrl | undefined;
let cp: RunningControlPlane;
let origin: RunningOrigin | undefined;
let requester: string;
let reviewer: string;
/** A built and approved export of several 4 KiB chunks, for the resume cases. */
let small: { exportId: string; manifest: Manifest; bytes: Buffer };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'conductor-export-pull-'));
  dataDir = join(root, 'data');
  pg = await createTestDatabaseUrl();
  cp = await startControlPlane({ port: 0, dataDir, databaseUrl: pg?.url, pglitePath: 'memory://', seedDemo: true, originUrl: () => origin!.url, schedulerTickMs: 3_600_000 });
  origin = await startOrigin({ port: 0, jwksUrl: `${cp.url}/.well-known/jwks.json`, edgeUrl: 'http://127.0.0.1:9', purgeSecret: 'unused', latencyMs: 0, log: () => {} });
  const { privateJwk } = await ensureDevSecrets(dataDir);
  requester = await mintToken(privateJwk, { tenant: 'acme', sub: 'user:requester@acme', scopes: ['export.create'], purposes: ['investigation'] });
  reviewer = await mintToken(privateJwk, { tenant: 'acme', sub: 'user:reviewer@acme', scopes: ['export.review'], clearance: 4 });

  // Inserted rather than POSTed for its small chunk size (the route uses the server's 8 MiB default).
  const row = await insertExport(cp.db, { tenantId: 'acme', kind: 'extractive-summary', requestedBy: 'user:requester@acme', license: 'Restricted-TOS', purpose: ['investigation'], maxDocuments: 40, chunkSize: 4 * 1024 });
  await buildUntilPublished(row.exportId);
  await review(row.exportId, reviewer, 'approve');
  const manifest = (await (await api('GET', `/v1/exports/${row.exportId}/manifest`, requester)).json()) as Manifest;
  const bytes = Buffer.from(await (await api('GET', `/v1/exports/${row.exportId}/download`, requester)).arrayBuffer());
  small = { exportId: row.exportId, manifest, bytes };
}, 120_000);
afterAll(async () => {
  await origin?.close();
  await cp?.close();
  await pg?.drop();
  if (root) await rm(root, { recursive: true, force: true });
});

function api(method: string, path: string, token: string, body?: unknown): Promise<Response> {
  return fetch(new URL(path, cp.url), {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

function review(exportId: string, token: string, decision: 'approve' | 'reject'): Promise<Response> {
  return api('POST', `/v1/exports/${exportId}/review`, token, { decision, reason: `${decision}d in the CLI test` });
}

// The scheduler's start tick can race an insert and hold the job's lease: run until published.
async function buildUntilPublished(exportId: string): Promise<void> {
  for (let i = 0; i < 120 && (await getExport(cp.db, exportId))!.status === 'building'; i++) {
    await cp.scheduler.runNow(EXPORT_BUILD_JOB);
    if ((await getExport(cp.db, exportId))!.status === 'building') await new Promise((r) => setTimeout(r, 250));
  }
  expect((await getExport(cp.db, exportId))!.status).toBe('pending_review');
}

async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  const io = { out: '', err: '' };
  const cliIO: CliIO = {
    env: { CONDUCTOR_TOKEN: requester, CONTROL_PLANE_URL: cp.url, ...env },
    stdout: (t) => void (io.out += t),
    stderr: (t) => void (io.err += t),
  };
  const code = await runCli(args, cliIO);
  return { code, ...io };
}

async function pulledBytes(dir: string, manifest: Manifest): Promise<Buffer> {
  return Buffer.concat(await Promise.all(manifest.chunks.map((c) => readFile(chunkPath(dir, c.ix)))));
}

/** Bytes of the export a directory holds in chunk and part files (at most each chunk's size). */
async function bytesOnDisk(dir: string, manifest: Manifest): Promise<number> {
  let held = 0;
  for (const name of await readdir(chunksDir(dir))) {
    const file = parseChunkFileName(name);
    if (!file || file.kind === 'rejected') continue;
    held += Math.min((await stat(join(chunksDir(dir), name))).size, manifest.chunks[file.ix]!.size);
  }
  return held;
}

interface Exchange {
  ix: number;
  range: string | null;
  ifRange: string | null;
  status: number;
  bodyBytes: number;
}

/**
 * The real fetch, watched: every chunk request's conditional headers and status, and the body
 * bytes that actually crossed (counted as the engine reads them, independently of its stats).
 * `cut(ix)`: after how many body bytes of chunk ix the connection fails, as a network would;
 * `rewrite`: changes a request's headers on the way out.
 */
function watchedFetch(opts: { cut?: (ix: number) => number | undefined; rewrite?: (headers: Headers) => void } = {}) {
  const exchanges: Exchange[] = [];
  const wrapped: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    opts.rewrite?.(headers);
    const res = await fetch(input, { ...init, headers });
    const match = /\/chunks\/(\d+)$/.exec(new URL(String(input)).pathname);
    if (!match || !res.body) return res;
    const exchange: Exchange = { ix: Number(match[1]), range: headers.get('range'), ifRange: headers.get('if-range'), status: res.status, bodyBytes: 0 };
    exchanges.push(exchange);
    const limit = opts.cut?.(exchange.ix);
    const reader = res.body.getReader();
    let cut = false;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        // Failing on the read after the cut, not with it: an error discards bytes still queued.
        if (cut) return controller.error(new TypeError('terminated: the connection was reset'));
        const { done, value } = await reader.read();
        if (done) return controller.close();
        if (limit !== undefined && exchange.bodyBytes + value.length >= limit) {
          controller.enqueue(value.subarray(0, limit - exchange.bodyBytes));
          exchange.bodyBytes = limit;
          cut = true;
          await reader.cancel();
          return;
        }
        exchange.bodyBytes += value.length;
        controller.enqueue(value);
      },
      cancel: (reason) => reader.cancel(reason),
    });
    return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
  return { fetch: wrapped, exchanges };
}

const pullOptions = (outDir: string, extra: Partial<Parameters<typeof pullExport>[0]> = {}) => ({
  controlPlaneUrl: cp.url,
  token: requester,
  exportId: small.exportId,
  outDir,
  ...extra,
});

describe('conductor export create, status, pull, verify', () => {
  it('creates, waits for review, and once approved pulls and verifies byte for byte', async () => {
    const created = await cli(['export', 'create', '--tenant', 'acme', '--license', 'Restricted-TOS', '--purpose', 'investigation', '--max-documents', '12']);
    expect(created.err).toBe('');
    expect(created.code).toBe(0);
    const [exportId, status] = created.out.trim().split(' ');
    expect(status).toBe('building');

    await buildUntilPublished(exportId!);
    const shown = await cli(['export', 'status', exportId!]);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.out)).toMatchObject({ exportId, tenant: 'acme', status: 'pending_review', requestedBy: 'user:requester@acme', license: 'Restricted-TOS', purpose: ['investigation'] });

    const dir = join(root, 'created');
    const early = await cli(['export', 'pull', exportId!, '--out', dir]);
    expect(early.code).toBe(1);
    expect(early.err).toMatch(/^error FORBIDDEN: chunk 0: .*approved/m);

    // The requester cannot approve their own export; a reviewer with clearance 4 can.
    expect((await review(exportId!, requester, 'approve')).status).toBe(403);
    expect((await review(exportId!, reviewer, 'approve')).status).toBe(200);

    const pulled = await cli(['export', 'pull', exportId!, '--out', dir, '--parallel', '2']);
    expect(pulled.err).toMatch(new RegExp(`^pull ${exportId}: .* \\(100%\\), chunks 1/1, `, 'm'));
    expect(pulled.code).toBe(0);
    expect(pulled.out).toMatch(new RegExp(`^pulled ${exportId} into ${dir}: 1 chunks, .*; fetched .* \\(1 chunks, 0 resumed\\)`));

    const verified = await cli(['export', 'verify', dir]);
    expect(verified.code).toBe(0);
    expect(verified.out).toContain(`(JWKS ${cp.url}/.well-known/jwks.json)`);
    const manifest = JSON.parse(await readFile(manifestPath(dir), 'utf8')) as Manifest;
    const download = Buffer.from(await (await api('GET', `/v1/exports/${exportId}/download`, requester)).arrayBuffer());
    expect((await pulledBytes(dir, manifest)).equals(download)).toBe(true);
  }, 120_000);

  it('pulls chunks in parallel, each verified, and writes the signed manifest as served', async () => {
    expect(small.manifest.chunks.length).toBeGreaterThanOrEqual(4);
    const dir = join(root, 'parallel');
    const watched = watchedFetch();
    const stats = await pullExport(pullOptions(dir, { parallel: 3, fetch: watched.fetch }));
    expect(stats).toEqual<PullStats>({
      exportId: small.exportId,
      merkleRoot: small.manifest.merkleRoot,
      kid: expect.any(String) as unknown as string,
      chunks: small.manifest.chunks.length,
      totalBytes: small.bytes.length,
      chunksFetched: small.manifest.chunks.length,
      chunksResumed: 0,
      chunksReused: 0,
      bytesFetched: small.bytes.length,
      bytesReused: 0,
      bytesRefetched: 0,
    });
    expect(watched.exchanges.map((e) => [e.ix, e.status, e.range]).toSorted((a, b) => Number(a[0]) - Number(b[0]))).toEqual(small.manifest.chunks.map((c) => [c.ix, 200, null]));
    expect(JSON.parse(await readFile(manifestPath(dir), 'utf8'))).toEqual(small.manifest);
    expect((await pulledBytes(dir, small.manifest)).equals(small.bytes)).toBe(true);
    expect((await cli(['export', 'verify', dir])).code).toBe(0);

    // A second run finds everything on disk: it re-hashes, and fetches nothing.
    const again = watchedFetch();
    const rerun = await pullExport(pullOptions(dir, { fetch: again.fetch }));
    expect(rerun).toMatchObject({ chunksReused: stats.chunks, bytesReused: small.bytes.length, bytesFetched: 0, chunksFetched: 0 });
    expect(again.exchanges).toEqual([]);
  }, 60_000);

  it('after a connection cut mid-chunk, a rerun fetches only the missing bytes, resuming with Range and If-Range', async () => {
    const dir = join(root, 'cut');
    const cutAt = 1500;
    const first = watchedFetch({ cut: (ix) => (ix === 2 ? cutAt : undefined) });
    const failure = await pullExport(pullOptions(dir, { parallel: 2, fetch: first.fetch })).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(PullError);
    expect(failure).toMatchObject({ code: 'NETWORK_ERROR', ix: 2 });
    expect((await stat(chunkPath(dir, 2, 'partial'))).size).toBe(cutAt);

    const missing = small.bytes.length - (await bytesOnDisk(dir, small.manifest));
    const second = watchedFetch();
    const stats = await pullExport(pullOptions(dir, { parallel: 2, fetch: second.fetch }));
    const crossed = second.exchanges.reduce((sum, e) => sum + e.bodyBytes, 0);
    expect(crossed).toBe(missing);
    expect(stats.bytesFetched).toBe(missing);
    expect(stats.bytesRefetched).toBe(0);
    expect(stats.bytesReused + stats.bytesFetched).toBe(small.bytes.length);
    expect(stats.chunksResumed).toBeGreaterThanOrEqual(1);
    const resumed = second.exchanges.find((e) => e.ix === 2)!;
    expect(resumed).toMatchObject({ range: `bytes=${cutAt}-`, ifRange: `"sha256-${small.manifest.chunks[2]!.sha256}"`, status: 206, bodyBytes: small.manifest.chunks[2]!.size - cutAt });
    expect((await pulledBytes(dir, small.manifest)).equals(small.bytes)).toBe(true);
    expect((await cli(['export', 'verify', dir])).code).toBe(0);
  }, 60_000);

  // A real kill: the binary in its own process, SIGKILLed while a chunk is half written. A proxy
  // in front of the control plane holds chunk 1 after its first bytes, so the kill lands mid-chunk.
  it('after the pull process is killed mid-chunk, a rerun fetches only the missing bytes', async () => {
    const dir = join(root, 'killed');
    const held = 1000;
    const proxy = await holdingProxy(1, held);
    try {
      const child = spawn(process.execPath, [bin, 'export', 'pull', small.exportId, '--out', dir, '--parallel', '2', '--control-plane', proxy.url], {
        env: { ...process.env, CONDUCTOR_TOKEN: requester },
        stdio: 'ignore',
      });
      const exited = new Promise((r) => child.once('exit', r));
      for (let i = 0; i < 600; i++) {
        const size = await stat(chunkPath(dir, 1, 'partial')).then((s) => s.size, () => -1);
        if (size === held) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect((await stat(chunkPath(dir, 1, 'partial'))).size).toBe(held);
      child.kill('SIGKILL');
      await exited;
    } finally {
      await proxy.close();
    }

    const missing = small.bytes.length - (await bytesOnDisk(dir, small.manifest));
    const rerun = watchedFetch();
    const stats = await pullExport(pullOptions(dir, { fetch: rerun.fetch }));
    expect(stats.bytesFetched).toBe(missing);
    expect(rerun.exchanges.reduce((sum, e) => sum + e.bodyBytes, 0)).toBe(missing);
    expect(rerun.exchanges.find((e) => e.ix === 1)).toMatchObject({ range: `bytes=${held}-`, status: 206 });
    expect((await pulledBytes(dir, small.manifest)).equals(small.bytes)).toBe(true);
  }, 60_000);

  // What the benchmark does at 50 %: stop the engine through its signal, then run it again.
  it('stops when its signal aborts, parts kept, and the next run completes it', async () => {
    const dir = join(root, 'aborted');
    const stop = new AbortController();
    const reason = new Error('stopped at half');
    const half = small.bytes.length / 2;
    const failure = await pullExport(pullOptions(dir, { parallel: 2, signal: stop.signal, onProgress: (p) => (p.doneBytes >= half ? stop.abort(reason) : undefined) })).catch((err: unknown) => err);
    expect(failure).toBe(reason);
    const held = await bytesOnDisk(dir, small.manifest);
    expect(held).toBeGreaterThan(0);
    expect(held).toBeLessThan(small.bytes.length);
    const stats = await pullExport(pullOptions(dir));
    expect(stats.bytesFetched).toBe(small.bytes.length - held);
    expect((await pulledBytes(dir, small.manifest)).equals(small.bytes)).toBe(true);
  }, 60_000);

  it('refetches a chunk damaged on disk, and keeps the damaged copy aside', async () => {
    const dir = join(root, 'damaged');
    await pullExport(pullOptions(dir));
    const bytes = await readFile(chunkPath(dir, 1));
    bytes[7]! ^= 0x20;
    await writeFile(chunkPath(dir, 1), bytes);
    expect((await cli(['export', 'verify', dir])).err).toMatch(/^error CHUNK_HASH_MISMATCH: chunk 1 /);

    const watched = watchedFetch();
    const stats = await pullExport(pullOptions(dir, { fetch: watched.fetch }));
    const size = small.manifest.chunks[1]!.size;
    expect(stats).toMatchObject({ chunksFetched: 1, chunksReused: small.manifest.chunks.length - 1, bytesFetched: size, bytesRefetched: size });
    expect(watched.exchanges.map((e) => [e.ix, e.range])).toEqual([[1, null]]);
    expect(await readFile(chunkPath(dir, 1, 'rejected'))).toEqual(bytes);
    expect((await pulledBytes(dir, small.manifest)).equals(small.bytes)).toBe(true);
  }, 60_000);

  it('starts a chunk over when its part cannot be resumed: a damaged prefix, a validator the server does not match', async () => {
    const dir = join(root, 'untrusted');
    await pullExport(pullOptions(dir, { fetch: watchedFetch({ cut: (ix) => (ix === 1 ? 700 : undefined) }).fetch, parallel: 1 })).catch(() => {});
    expect((await stat(chunkPath(dir, 1, 'partial'))).size).toBe(700);
    // Chunk 1's part is damaged on disk after it was written.
    await writeFile(chunkPath(dir, 1, 'partial'), Buffer.alloc(700, 0x21));
    const [size1, size2] = [small.manifest.chunks[1]!.size, small.manifest.chunks[2]!.size];
    // Nothing fetched yet for chunk 2 (one stream stopped at chunk 1): give it a part, then make its If-Range miss.
    await writeFile(chunkPath(dir, 2, 'partial'), small.bytes.subarray(small.manifest.chunkSize * 2, small.manifest.chunkSize * 2 + 500));
    const watched = watchedFetch({ rewrite: (h) => (h.get('if-range')?.includes(small.manifest.chunks[2]!.sha256) ? h.set('if-range', '"sha256-stale"') : undefined) });
    const stats = await pullExport(pullOptions(dir, { fetch: watched.fetch, parallel: 1 }));

    const of = (ix: number) => watched.exchanges.filter((e) => e.ix === ix).map((e) => [e.range, e.status, e.bodyBytes]);
    // The damaged prefix is only found out once the rest is in: the chunk is then fetched whole.
    expect(of(1)).toEqual([[`bytes=700-`, 206, size1 - 700], [null, 200, size1]]);
    // If-Range did not match: the server sent the whole chunk, which replaces the part.
    expect(of(2)).toEqual([[`bytes=500-`, 200, size2]]);
    expect(stats.bytesRefetched).toBe(size1 + 500);
    expect((await pulledBytes(dir, small.manifest)).equals(small.bytes)).toBe(true);
  }, 60_000);

  it('keeps a part that holds the whole chunk (killed before the rename) without fetching it', async () => {
    const dir = join(root, 'unrenamed');
    await pullExport(pullOptions(dir));
    await writeFile(chunkPath(dir, 3, 'partial'), await readFile(chunkPath(dir, 3)));
    await rm(chunkPath(dir, 3));
    const watched = watchedFetch();
    const stats = await pullExport(pullOptions(dir, { fetch: watched.fetch }));
    expect(stats).toMatchObject({ chunksReused: small.manifest.chunks.length, bytesFetched: 0 });
    expect(watched.exchanges).toEqual([]);
    expect(await readdir(chunksDir(dir))).not.toContain('000003.jsonl.part');
  }, 60_000);

  it('refuses a manifest whose key is not in the JWKS given, before fetching any chunk', async () => {
    const dir = join(root, 'stranger');
    const jwks = join(root, 'stranger-jwks.json');
    await writeFile(jwks, JSON.stringify({ keys: publicJwks(await generateSecrets()) }));
    const run = await cli(['export', 'pull', small.exportId, '--out', dir, '--jwks', jwks]);
    expect(run.code).toBe(1);
    const kid = JSON.parse(Buffer.from(small.manifest.signature.split('.')[0]!, 'base64url').toString()).kid as string;
    expect(run.err).toBe(`error SIGNATURE_UNKNOWN_KEY: no key with kid "${kid}" in the JWKS\n`);
    expect(await readdir(dir).catch(() => [])).toEqual([]);
  });

  it('refuses to mix two exports in one directory', async () => {
    const dir = join(root, 'mixed');
    await pullExport(pullOptions(dir));
    const other = await insertExport(cp.db, { tenantId: 'acme', kind: 'extractive-summary', requestedBy: 'user:requester@acme', license: 'Restricted-TOS', purpose: ['investigation'], maxDocuments: 3, chunkSize: 4 * 1024 });
    await buildUntilPublished(other.exportId);
    await review(other.exportId, reviewer, 'approve');
    const run = await cli(['export', 'pull', other.exportId, '--out', dir]);
    expect(run.code).toBe(1);
    expect(run.err).toContain(`error OUT_DIR_IN_USE: ${dir} holds export ${small.exportId}`);
  }, 60_000);

  // The bar as a user sees it: `script` runs the binary on a pseudo-terminal and copies what it drew.
  it('draws a progress bar with bytes, rate and ETA on a terminal', async () => {
    const dir = join(root, 'tty');
    const command = [process.execPath, bin, 'export', 'pull', small.exportId, '--out', dir].map((a) => `'${a}'`).join(' ');
    const { stdout } = await promisify(execFile)('script', ['-qefc', command, '/dev/null'], { env: { ...process.env, CONDUCTOR_TOKEN: requester, CONTROL_PLANE_URL: cp.url } });
    const total = small.manifest.chunks.length;
    expect(stdout).toMatch(new RegExp(`█{30} 100% \\| [\\d.]+ KiB / [\\d.]+ KiB \\| .+/s \\| ETA \\S+ \\| chunks ${total}/${total}`));
    expect(stdout).toContain(`pulled ${small.exportId} into ${dir}`);
  }, 60_000);
});

/**
 * A pass-through proxy to the control plane that, for chunk `ix`, sends the headers and the first
 * `bytes` bytes of the body and then holds the connection open: the client is mid-chunk for as
 * long as the test needs.
 */
async function holdingProxy(ix: number, bytes: number): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    const forwarded = ['authorization', 'range', 'if-range', 'accept'].flatMap((name) => (typeof req.headers[name] === 'string' ? [[name, req.headers[name]]] : []));
    const upstream = await fetch(new URL(req.url!, cp.url), { headers: Object.fromEntries(forwarded) as Record<string, string> });
    const headers = Object.fromEntries(upstream.headers);
    if (req.url?.endsWith(`/chunks/${ix}`) && upstream.status === 200) {
      const body = Buffer.from(await upstream.arrayBuffer());
      res.writeHead(200, headers);
      res.write(body.subarray(0, bytes));
      return;
    }
    res.writeHead(upstream.status, headers);
    res.end(Buffer.from(await upstream.arrayBuffer()));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}
