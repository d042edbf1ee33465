import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unstable_startWorker } from 'wrangler';
import { startOrigin, type RunningOrigin } from '@conductor/example-origin/server';
import { auditLog } from '@conductor/schema/audit';
import { generateSecrets, type DevSecrets } from '@conductor/schema/auth/dev-keys';
import { scheduledJobs } from '@conductor/schema/jobs';
import { r2BlobStore, type R2BucketBinding } from './exports/blobs/r2.ts';
import type { BlobStore } from './exports/blobs/store.ts';
import { exportChunkKey } from './exports/build/keys.ts';
import { verifyExport } from './exports/manifest/index.ts';
import { getExport, insertExport, listExportChunks } from './exports/queries.ts';
import { upsertTenant } from './tenants/queries.ts';
import { serveTestDatabase, type ServedTestDatabase } from './testing/database.ts';

// Export builds in the Worker deployment, in real workerd: the Cron Trigger's `scheduled` handler
// reads the example origin with a token signed by EXPORT_SIGNING_JWK, writes the chunks to the
// EXPORTS R2 bucket (Miniflare's local one, read back here through the runtime's own Miniflare),
// and publishes a manifest that verifies against the JWKS the Worker serves. The origin trusts that
// same JWKS: its key set URL relays the Worker's /.well-known/jwks.json, since the Worker's port
// is only known after the origin's URL was given to it. The database is served as in worker.test.ts.
let worker: Awaited<ReturnType<typeof unstable_startWorker>>;
let url: URL;
let persistDir: string;
let secrets: DevSecrets;
let database: ServedTestDatabase;
let origin: RunningOrigin;
let jwksRelay: Server;
let chunks: BlobStore;

beforeAll(async () => {
  process.env.WRANGLER_SEND_METRICS = 'false';
  process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false';
  secrets = await generateSecrets();
  database = await serveTestDatabase();
  await upsertTenant(database.db, { id: 'acme', name: 'Acme', strictSafelist: false });

  jwksRelay = createServer((_req, res) => {
    fetch(new URL('/.well-known/jwks.json', url)).then(
      async (upstream) => res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(await upstream.text()),
      () => res.writeHead(503).end(),
    );
  });
  await new Promise<void>((resolve) => jwksRelay.listen(0, '127.0.0.1', resolve));
  const jwksUrl = `http://127.0.0.1:${(jwksRelay.address() as AddressInfo).port}/.well-known/jwks.json`;
  origin = await startOrigin({ port: 0, jwksUrl, edgeUrl: 'http://127.0.0.1:9', purgeSecret: 'unused', latencyMs: 0, log: () => {} });

  persistDir = await mkdtemp(join(tmpdir(), 'conductor-cp-worker-exports-'));
  worker = await unstable_startWorker({
    config: new URL('../wrangler.toml', import.meta.url).pathname,
    bindings: {
      DATABASE_URL: { type: 'plain_text', value: database.databaseUrl },
      DATABASE_WS_PROXY: { type: 'plain_text', value: database.wsProxy },
      JWT_PUBLIC_JWKS: { type: 'plain_text', value: JSON.stringify({ keys: [secrets.publicJwk] }) },
      PURGE_SIGNING_SECRET: { type: 'plain_text', value: secrets.purgeSecret },
      ORIGIN_URL: { type: 'plain_text', value: origin.url },
      EXPORT_SIGNING_JWK: { type: 'secret_text', value: JSON.stringify(secrets.privateJwk) },
    },
    dev: { server: { hostname: '127.0.0.1', port: 0 }, inspector: false, persist: persistDir },
  });
  await worker.ready;
  url = await worker.url;
  // The proxy holds a request until the runtime has loaded the Worker; after one answer the
  // runtime's Miniflare, whose bucket the Worker writes, is there to read from.
  expect((await fetch(new URL('/.well-known/jwks.json', url))).status).toBe(200);
  const bucket = await worker.raw.runtimes[0]!.mf!.getR2Bucket('EXPORTS');
  chunks = r2BlobStore(bucket as unknown as R2BucketBinding);
}, 120_000);
afterAll(async () => {
  await worker?.dispose();
  await origin?.close();
  await new Promise((resolve) => jwksRelay?.close(resolve));
  await database?.close();
  if (persistDir) await rm(persistDir, { recursive: true, force: true });
});

/** Fires the Cron Trigger as Cloudflare would at `time` (miniflare's trigger endpoint of `wrangler dev`). */
async function cron(time: Date): Promise<void> {
  const res = await fetch(new URL(`/cdn-cgi/local/scheduled?cron=${encodeURIComponent('* * * * *')}&time=${time.getTime()}&format=json`, url));
  const body = (await res.json()) as { outcome: string };
  expect(res.status, JSON.stringify(body)).toBe(200);
  expect(body.outcome).toBe('ok');
}

async function readChunk(exportId: string, ix: number): Promise<Uint8Array | null> {
  const got = await chunks.get(exportChunkKey(exportId, ix));
  return got ? new Uint8Array(await new Response(got.body).arrayBuffer()) : null;
}

describe('control plane Worker: export builds', () => {
  // One minute for every run in the file, and a later hour for the sweep, so no job is due twice by accident.
  const now = new Date(Math.floor(Date.now() / 60_000) * 60_000);

  it('builds a requested export from the origin in the Cron Trigger, stores its chunks in R2 and publishes a manifest the served JWKS verifies', async () => {
    const db = database.db;
    const exp = await insertExport(db, { tenantId: 'acme', kind: 'extractive-summary', requestedBy: 'user:requester@acme', license: 'Restricted-TOS', purpose: ['investigation'], maxDocuments: 6, chunkSize: 1024 });

    await cron(now);

    const row = (await getExport(db, exp.exportId))!;
    expect(row).toMatchObject({ status: 'pending_review', failure: null, buildAttempts: 0 });
    const jobs = Object.fromEntries((await db.select().from(scheduledJobs)).map((j) => [j.name, j]));
    expect(jobs['exports.build']).toMatchObject({ lastOutcome: 'ok', runs: 1 });
    expect(jobs['exports.build']!.lastResult).toEqual({ exports: [expect.objectContaining({ exportId: exp.exportId, outcome: 'finalized' })] });
    expect(jobs['exports.sweep']).toMatchObject({ lastOutcome: 'ok', runs: 1 });

    // Every recorded chunk is in the bucket, and nothing else of the export.
    const recorded = await listExportChunks(db, exp.exportId);
    expect(recorded.length).toBeGreaterThan(1);
    expect((await chunks.list(`exports/${exp.exportId}/`)).objects.map((o) => [o.key, o.size])).toEqual(recorded.map((c) => [exportChunkKey(exp.exportId, c.ix), c.size]));

    const jwks = (await (await fetch(new URL('/.well-known/jwks.json', url))).json()) as { keys: [] };
    const verified = await verifyExport({ manifest: row.manifest, jwks, readChunk: (ix) => readChunk(exp.exportId, ix) });
    expect(verified.failures).toEqual([]);
    expect(verified).toMatchObject({ ok: true, kid: secrets.publicJwk.kid, manifest: { tenant: 'acme', proofs: { license: 'Restricted-TOS', purpose: ['investigation'] } } });
    // The lines are the origin's documents of the tenant, each with its provenance.
    const first = new TextDecoder().decode((await readChunk(exp.exportId, 0))!).split('\n')[0]!;
    expect(JSON.parse(first)).toMatchObject({ docId: expect.any(String), start: expect.any(Number), end: expect.any(Number), text: expect.any(String) });

    const [audit] = await db.select().from(auditLog).where(eq(auditLog.action, 'export.publish')).orderBy(desc(auditLog.seq)).limit(1);
    expect(audit).toMatchObject({ tenantId: 'acme', target: `export:${exp.exportId}` });
  });

  it('sweeps a blob no export accounts for once it is past the grace period, and keeps the published chunks', async () => {
    const gone = '3e9d6f4b-ac7a-4dbe-af5e-4a8b9cadbecf';
    await chunks.put(exportChunkKey(gone, 0), new Uint8Array([1, 2, 3]));
    const before = (await chunks.list('exports/')).objects.map((o) => o.key);
    expect(before).toContain(exportChunkKey(gone, 0));

    // Two hours on: the hourly sweep is due, and the blob is older than its hour of grace.
    await cron(new Date(now.getTime() + 2 * 3_600_000));
    const [sweep] = await database.db.select().from(scheduledJobs).where(eq(scheduledJobs.name, 'exports.sweep'));
    expect(sweep).toMatchObject({ lastOutcome: 'ok', runs: 2, lastResult: { deleted: 1, byReason: { 'export-gone': 1 }, resumeAfter: null } });
    expect((await chunks.list('exports/')).objects.map((o) => o.key)).toEqual(before.filter((k) => k !== exportChunkKey(gone, 0)));
  });
});
