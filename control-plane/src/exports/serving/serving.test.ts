import { readFile, rename, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChunkInclusionProofSchema, type Manifest } from '@conductor/schema/contracts/exports';
import { alertEvaluationJob } from '../../alerts/job.ts';
import { verifyAuditChain } from '../../audit/verify.ts';
import { auditTrail } from '../../cache/testing.ts';
import { parseExposition } from '../../metrics/testing.ts';
import { runJob } from '../../scheduler/runner.ts';
import { expectError } from '../../testing/api-error.ts';
import { tenantAdmin, tenantReader } from '../../testing/app.ts';
import { verifyChunkInclusion } from '../manifest/index.ts';
import { failExport } from '../queries.ts';
import { independentMerkleRoot, manifestOf, PIPELINE, REQUESTER, REVIEWER, SCRAPER, sha256Hex, startExportsStack, TEST_CHUNK_SIZE, type ExportsStack } from '../testing.ts';

// Downloads of an approved export through the app: chunks and the whole JSONL with Range,
// If-Range, ETag and digests checked against values computed here with node:crypto; a damaged
// blob refused and counted; /metrics and the export alerts.
let s: ExportsStack;
let id: string;
let manifest: Manifest;
let stored: Buffer[];
let whole: Buffer;

beforeAll(async () => {
  s = await startExportsStack();
  const row = await s.createBuilt({ tenant: 'acme', kind: 'extractive-summary', license: 'Restricted-TOS', purpose: ['investigation'], maxDocuments: 50 });
  id = row.exportId;
  const approved = await s.t.call('POST', `/v1/exports/${id}/review`, { token: await s.t.token(REVIEWER), body: { decision: 'approve', reason: 'ok' } });
  expect(approved.status).toBe(200);
  manifest = manifestOf(row);
  stored = await Promise.all(manifest.chunks.map((c) => s.storedChunk(id, c.ix)));
  whole = Buffer.concat(stored);
  expect(manifest.chunks.length).toBeGreaterThanOrEqual(4);
}, 60_000);
afterAll(() => s?.close());

const get = async (path: string, headers: Record<string, string> = {}, opts = REQUESTER) => s.t.call('GET', path, { token: await s.t.token(opts), headers });
const bytesOf = async (res: Response) => Buffer.from(await res.arrayBuffer());
const digestField = (bytes: Uint8Array) => `sha-256=:${Buffer.from(sha256Hex(bytes), 'hex').toString('base64')}:`;
const chunkTag = (ix: number) => `"sha256-${sha256Hex(stored[ix]!)}"`;
const downloadTag = () => `"merkle-sha256-${independentMerkleRoot(stored.map((c) => sha256Hex(c)))}"`;

async function scrape(): Promise<(name: string, labels?: Record<string, string>) => number> {
  const res = await s.t.call('GET', '/metrics', { token: await s.t.token(SCRAPER) });
  expect(res.status).toBe(200);
  const families = parseExposition(await res.text());
  return (name, labels = {}) => {
    for (const family of families.values()) {
      const sample = family.samples.find((x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v));
      if (sample) return sample.value;
    }
    return 0;
  };
}

const downloads = async () => (await auditTrail(s.t.db)).filter((e) => e.action === 'export.download' && e.target === `export:${id}`);

describe('GET /v1/exports/{id}/chunks/{ix}', () => {
  it('serves the stored bytes with a strong ETag and RFC 9530 digests computed from them', async () => {
    for (const [ix, bytes] of stored.entries()) {
      const res = await get(`/v1/exports/${id}/chunks/${ix}`);
      expect(res.status).toBe(200);
      expect(Object.fromEntries(['etag', 'content-digest', 'repr-digest', 'accept-ranges', 'content-type', 'content-length'].map((h) => [h, res.headers.get(h)]))).toEqual({
        etag: chunkTag(ix),
        'content-digest': digestField(bytes),
        'repr-digest': digestField(bytes),
        'accept-ranges': 'bytes',
        'content-type': 'application/jsonl',
        'content-length': String(bytes.length),
      });
      expect(await bytesOf(res)).toEqual(bytes);
    }
    expect(stored.slice(0, -1).every((c) => c.length === TEST_CHUNK_SIZE)).toBe(true);
  });

  it('answers a Range with 206 and Content-Range, keeping Repr-Digest and leaving out Content-Digest', async () => {
    const res = await get(`/v1/exports/${id}/chunks/1`, { Range: 'bytes=100-199' });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe(`bytes 100-199/${stored[1]!.length}`);
    expect(res.headers.get('etag')).toBe(chunkTag(1));
    expect(res.headers.get('repr-digest')).toBe(digestField(stored[1]!));
    expect(res.headers.get('content-digest')).toBeNull();
    expect(await bytesOf(res)).toEqual(stored[1]!.subarray(100, 200));
    expect(await bytesOf(await get(`/v1/exports/${id}/chunks/1`, { Range: 'bytes=-10' }))).toEqual(stored[1]!.subarray(-10));
  });

  it('honours If-Range: the chunk’s own ETag keeps the range, any other validator gets the whole chunk', async () => {
    const kept = await get(`/v1/exports/${id}/chunks/2`, { Range: 'bytes=10-', 'If-Range': chunkTag(2) });
    expect(kept.status).toBe(206);
    expect(await bytesOf(kept)).toEqual(stored[2]!.subarray(10));
    for (const other of [chunkTag(1), `W/${chunkTag(2)}`, 'Tue, 01 Dec 2026 00:00:00 GMT']) {
      const whole = await get(`/v1/exports/${id}/chunks/2`, { Range: 'bytes=10-', 'If-Range': other });
      expect(whole.status, other).toBe(200);
      expect(whole.headers.get('content-digest')).toBe(digestField(stored[2]!));
      expect(await bytesOf(whole)).toEqual(stored[2]);
    }
  });

  it('answers 416 with Content-Range: bytes */size past the end, 404 for a chunk the manifest does not list, 400 for a malformed index', async () => {
    const res = await get(`/v1/exports/${id}/chunks/0`, { Range: `bytes=${TEST_CHUNK_SIZE}-` });
    expect(res.headers.get('content-range')).toBe(`bytes */${TEST_CHUNK_SIZE}`);
    await expectError(res, 416, 'RANGE_NOT_SATISFIABLE');
    expect(await expectError(await get(`/v1/exports/${id}/chunks/${stored.length}`), 404, 'NOT_FOUND')).toContain(`0..${stored.length - 1}`);
    await expectError(await get(`/v1/exports/${id}/chunks/x`), 400, 'VALIDATION_FAILED');
    await expectError(await get(`/v1/exports/${id}/chunks/-1`), 400, 'VALIDATION_FAILED');
  });

  it('answers HEAD with the headers alone, and audits neither HEAD nor 416', async () => {
    const before = (await downloads()).length;
    const res = await s.t.app.request(`/v1/exports/${id}/chunks/0`, { method: 'HEAD', headers: { authorization: `Bearer ${await s.t.token(REQUESTER)}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(TEST_CHUNK_SIZE));
    expect(res.headers.get('repr-digest')).toBe(digestField(stored[0]!));
    expect((await res.arrayBuffer()).byteLength).toBe(0);
    await get(`/v1/exports/${id}/chunks/0`, { Range: 'bytes=999999-' });
    expect((await downloads()).length).toBe(before);
  });
});

describe('GET /v1/exports/{id}/download', () => {
  it('streams every chunk concatenated, under the ETag of the independently computed Merkle root', async () => {
    const res = await get(`/v1/exports/${id}/download`);
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe(downloadTag());
    expect(res.headers.get('etag')).toBe(`"merkle-sha256-${manifest.merkleRoot}"`);
    expect(res.headers.get('content-length')).toBe(String(manifest.totalSize));
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(res.headers.get('content-digest')).toBeNull();
    expect(await bytesOf(res)).toEqual(whole);
  });

  it('serves a range that spans chunk boundaries, and a resume that completes byte-identical', async () => {
    const across = await get(`/v1/exports/${id}/download`, { Range: `bytes=${TEST_CHUNK_SIZE - 96}-${3 * TEST_CHUNK_SIZE + 7}` });
    expect(across.status).toBe(206);
    expect(across.headers.get('content-range')).toBe(`bytes ${TEST_CHUNK_SIZE - 96}-${3 * TEST_CHUNK_SIZE + 7}/${whole.length}`);
    expect(await bytesOf(across)).toEqual(whole.subarray(TEST_CHUNK_SIZE - 96, 3 * TEST_CHUNK_SIZE + 8));

    // curl -C -: the first attempt was cut after 5,001 bytes; the rerun asks for the rest.
    const first = whole.subarray(0, 5001);
    const etag = downloadTag();
    const rest = await get(`/v1/exports/${id}/download`, { Range: `bytes=${first.length}-`, 'If-Range': etag });
    expect(rest.status).toBe(206);
    expect(Buffer.concat([first, await bytesOf(rest)])).toEqual(whole);
  });

  it('answers If-Range with another validator whole, and 416 past the end', async () => {
    const stale = await get(`/v1/exports/${id}/download`, { Range: 'bytes=100-', 'If-Range': chunkTag(0) });
    expect(stale.status).toBe(200);
    expect(await bytesOf(stale)).toEqual(whole);
    const res = await get(`/v1/exports/${id}/download`, { Range: `bytes=${whole.length + 5}-` });
    expect(res.headers.get('content-range')).toBe(`bytes */${whole.length}`);
    await expectError(res, 416, 'RANGE_NOT_SATISFIABLE');
  });

  it('is Cedar downloadExport: a pipeline with export.download may, a reviewer or another tenant may not', async () => {
    expect(await bytesOf(await get(`/v1/exports/${id}/download`, {}, PIPELINE))).toEqual(whole);
    expect(await expectError(await get(`/v1/exports/${id}/download`, {}, REVIEWER), 403, 'FORBIDDEN')).toContain('scope export.download or export.create');
    await expectError(await get(`/v1/exports/${id}/chunks/0`, {}, tenantReader('acme')), 403, 'FORBIDDEN');
    await expectError(await get(`/v1/exports/${id}/download`, {}, { ...REQUESTER, tenant: 'globex', sub: 'user:x@globex' }), 403, 'FORBIDDEN');
  });

  it('audits each answer that sends bytes: who, which chunk or the whole, status, range and size', async () => {
    const before = (await downloads()).length;
    await bytesOf(await get(`/v1/exports/${id}/chunks/3`, { Range: 'bytes=0-9' }));
    await bytesOf(await get(`/v1/exports/${id}/download`, {}, PIPELINE));
    expect((await downloads()).slice(before)).toEqual([
      { actor: 'user:requester@acme', tenantId: 'acme', action: 'export.download', target: `export:${id}`, payload: { chunk: 3, status: 206, range: `bytes 0-9/${stored[3]!.length}`, bytes: 10 } },
      { actor: 'service:rag@acme', tenantId: 'acme', action: 'export.download', target: `export:${id}`, payload: { chunk: null, status: 200, range: null, bytes: whole.length } },
    ]);
    expect(await verifyAuditChain(s.t.db)).toMatchObject({ ok: true });
  });
});

describe('GET /v1/exports/{id}/chunks/{ix}/proof', () => {
  it('answers each chunk’s audit path, which checks against the signed root alone and for no other chunk', async () => {
    for (const [ix, bytes] of stored.entries()) {
      const res = await get(`/v1/exports/${id}/chunks/${ix}/proof`, {}, tenantReader('acme'));
      expect(res.status).toBe(200);
      const proof = ChunkInclusionProofSchema.parse(await res.json());
      expect(proof).toMatchObject({ ix, treeSize: stored.length, root: independentMerkleRoot(stored.map((c) => sha256Hex(c))) });
      const head = { merkleRoot: manifest.merkleRoot, treeSize: manifest.chunks.length };
      expect(await verifyChunkInclusion(proof, sha256Hex(bytes), head)).toBe(true);
      expect(await verifyChunkInclusion(proof, sha256Hex(stored[(ix + 1) % stored.length]!), head)).toBe(false);
    }
    await expectError(await get(`/v1/exports/${id}/chunks/${stored.length}/proof`), 404, 'NOT_FOUND');
  });
});

describe('a chunk damaged in storage', () => {
  const ix = 1;
  let pristine: Buffer;
  beforeAll(async () => {
    pristine = await readFile(s.chunkPath(id, ix));
    const flipped = Buffer.from(pristine);
    flipped[1234]! ^= 0x01;
    await writeFile(s.chunkPath(id, ix), flipped);
  });
  afterAll(() => writeFile(s.chunkPath(id, ix), pristine));

  it('is refused with 500 EXPORT_CORRUPT, counted, and not one byte of it is served', async () => {
    const metric = await scrape();
    const corrupt = metric('conductor_export_corrupt_chunks_total', { tenant: 'acme' });
    const failures = metric('conductor_export_resume_failures_total', { tenant: 'acme', reason: 'corrupt' });
    const audited = (await downloads()).length;

    const res = await get(`/v1/exports/${id}/chunks/${ix}`);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('etag')).toBeNull();
    expect(await expectError(res, 500, 'EXPORT_CORRUPT')).toMatch(/chunk 1 failed its check against the signed manifest \(CHUNK_HASH_MISMATCH/);
    await expectError(await get(`/v1/exports/${id}/chunks/${ix}`, { Range: 'bytes=0-9' }), 500, 'EXPORT_CORRUPT');
    // A download whose first requested byte is in the damaged chunk is refused before it starts.
    await expectError(await get(`/v1/exports/${id}/download`, { Range: `bytes=${TEST_CHUNK_SIZE + 5}-` }), 500, 'EXPORT_CORRUPT');
    // The chunks around it still serve.
    expect(await bytesOf(await get(`/v1/exports/${id}/chunks/${ix + 1}`))).toEqual(stored[ix + 1]);

    const after = await scrape();
    expect(after('conductor_export_corrupt_chunks_total', { tenant: 'acme' })).toBe(corrupt + 3);
    expect(after('conductor_export_resume_failures_total', { tenant: 'acme', reason: 'corrupt' })).toBe(failures + 2);
    // Refusals send nothing and are not downloads; the neighbour's 200 is.
    expect((await downloads()).length).toBe(audited + 1);
  });

  it('cuts the whole download short before its first byte: the client has exactly the chunks before it, and it is counted', async () => {
    const corrupt = (await scrape())('conductor_export_corrupt_chunks_total', { tenant: 'acme' });
    const res = await get(`/v1/exports/${id}/download`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(whole.length));
    const received: Uint8Array[] = [];
    const reader = res.body!.getReader();
    const failure = await (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return null;
        received.push(value);
      }
    })().catch((err: unknown) => err);
    expect(String(failure)).toContain('chunk 1 failed its check against the manifest (CHUNK_HASH_MISMATCH)');
    expect(Buffer.concat(received)).toEqual(stored[0]);
    expect((await scrape())('conductor_export_corrupt_chunks_total', { tenant: 'acme' })).toBe(corrupt + 1);
  });

  it('names a truncated or missing chunk as such', async () => {
    const path = s.chunkPath(id, 2);
    await writeFile(path, stored[2]!.subarray(0, 100));
    expect(await expectError(await get(`/v1/exports/${id}/chunks/2`), 500, 'EXPORT_CORRUPT')).toContain('CHUNK_TRUNCATED');
    await rename(path, `${path}.away`);
    try {
      expect(await expectError(await get(`/v1/exports/${id}/chunks/2`), 500, 'EXPORT_CORRUPT')).toContain('CHUNK_MISSING');
    } finally {
      await rename(`${path}.away`, path);
      await writeFile(path, stored[2]!);
    }
    expect(await bytesOf(await get(`/v1/exports/${id}/chunks/2`))).toEqual(stored[2]);
  });

  it('raises ConductorExportCorruptChunks and, with failed resumes, ConductorExportResumeFailures at the next evaluation', async () => {
    // Two more failed resumes: clients whose partial copies are of something else.
    for (let i = 0; i < 2; i++) await bytesOf(await get(`/v1/exports/${id}/chunks/0`, { Range: 'bytes=5-', 'If-Range': '"sha256-stale"' }));
    await runJob(s.t.db, alertEvaluationJob(), new Date(), { log: () => {}, ignoreSchedule: true });
    const res = await s.t.call('GET', '/v1/alerts?tenant=acme', { token: await s.t.token(tenantAdmin('acme')) });
    const { alerts } = (await res.json()) as { alerts: { alertname: string; state: string; labels: { tenant: string }; values: Record<string, number> }[] };
    const byName = Object.fromEntries(alerts.map((a) => [a.alertname, a]));
    expect(byName.ConductorExportCorruptChunks).toMatchObject({ state: 'firing', labels: { tenant: 'acme' }, values: { refusals: expect.any(Number) } });
    expect(byName.ConductorExportCorruptChunks!.values.refusals).toBeGreaterThanOrEqual(6);
    expect(byName.ConductorExportResumeFailures).toMatchObject({ state: 'firing', labels: { tenant: 'acme' } });
    expect(byName.ConductorExportResumeFailures!.values.failures).toBeGreaterThan(2);
  });
});

describe('/metrics', () => {
  it('counts builds, resumes (206), failed resumes, bytes served and the switch, across requests', async () => {
    const before = await scrape();
    expect(before('conductor_export_builds_total', { tenant: 'acme', outcome: 'published' })).toBeGreaterThanOrEqual(1);
    expect(before('conductor_export_builds_total', { tenant: 'acme', outcome: 'failed' })).toBe(0);
    expect(before('conductor_exports_enabled')).toBe(1);

    await bytesOf(await get(`/v1/exports/${id}/download`, { Range: 'bytes=10-4999', 'If-Range': downloadTag() }));
    await bytesOf(await get(`/v1/exports/${id}/chunks/0`));
    await bytesOf(await get(`/v1/exports/${id}/chunks/0`, { Range: 'bytes=0-', 'If-Range': '"sha256-stale"' }));
    await get(`/v1/exports/${id}/chunks/0`, { Range: 'bytes=9999999-' });
    // What `curl -C -` asks for a file it already has whole: a 416, but no failure.
    await get(`/v1/exports/${id}/chunks/0`, { Range: `bytes=${TEST_CHUNK_SIZE}-` });

    const after = await scrape();
    const delta = (name: string, labels: Record<string, string> = { tenant: 'acme' }) => after(name, labels) - before(name, labels);
    expect(delta('conductor_export_resumes_total')).toBe(1);
    expect(delta('conductor_export_served_bytes_total')).toBe(4990 + TEST_CHUNK_SIZE + TEST_CHUNK_SIZE);
    expect(delta('conductor_export_resume_failures_total', { tenant: 'acme', reason: 'restarted' })).toBe(1);
    expect(delta('conductor_export_resume_failures_total', { tenant: 'acme', reason: 'unsatisfiable' })).toBe(1);
    expect(delta('conductor_export_corrupt_chunks_total')).toBe(0);
  });

  it('counts a build that fails for good as failed, and one that publishes as published', async () => {
    const before = await scrape();
    const failing = (await (await s.t.call('POST', '/v1/exports', { token: await s.t.token(REQUESTER), body: { tenant: 'acme', kind: 'extractive-summary', license: 'Restricted-TOS', purpose: ['investigation'], maxDocuments: 1 } })).json()) as { exportId: string };
    // What the build job does when a resume finds the source changed (build/job.ts).
    expect(await failExport(s.t.db, failing.exportId, 'the source changed under a resume')).toBe(true);
    await s.createBuilt({ tenant: 'acme', kind: 'extractive-summary', license: 'Restricted-TOS', purpose: ['investigation'], maxDocuments: 2 });
    const after = await scrape();
    for (const outcome of ['failed', 'published']) {
      const labels = { tenant: 'acme', outcome };
      expect(after('conductor_export_builds_total', labels) - before('conductor_export_builds_total', labels), outcome).toBe(1);
    }
  });

  it('declares the export families as counters with help', async () => {
    const res = await s.t.call('GET', '/metrics', { token: await s.t.token(SCRAPER) });
    const families = parseExposition(await res.text());
    for (const name of ['conductor_export_builds_total', 'conductor_export_resumes_total', 'conductor_export_resume_failures_total', 'conductor_export_served_bytes_total', 'conductor_export_corrupt_chunks_total']) {
      expect(families.get(name)?.type, name).toBe('counter');
    }
    expect(families.get('conductor_exports_enabled')?.type).toBe('gauge');
  });
});
