import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDocument } from '@conductor/example-origin/corpus';
import { ExportSummarySchema, type ExportSummary } from '@conductor/schema/contracts/exports';
import { verifyAuditChain } from '../audit/verify.ts';
import { auditTrail } from '../cache/testing.ts';
import { expectError } from '../testing/api-error.ts';
import { PLATFORM_ADMIN, tenantAdmin, tenantReader } from '../testing/app.ts';
import { ApiError } from '../http/errors.ts';
import { exportBlobPrefix } from './build/keys.ts';
import { verifyManifestSignature } from './manifest/index.ts';
import { listExportChunks } from './queries.ts';
import { sampleExportLines } from './samples.ts';
import { exportHistory, getExportDetail, getExportSummary, listExportSummaries } from './service.ts';
import { expectedText } from './summary/index.ts';
import { claimsOf, EXPORT_REQUEST, REQUESTER, REVIEWER, PIPELINE, startExportsStack, type ExportsStack } from './testing.ts';

// POST/GET /v1/exports, review, the backout switch and the services the admin pages call, on the
// real stack (testing.ts): a real origin, the build job, Cedar, signing and the audit chain.
let s: ExportsStack;
beforeAll(async () => {
  s = await startExportsStack();
}, 60_000);
afterAll(() => s?.close());

const token = (opts: Parameters<ExportsStack['t']['token']>[0]) => s.t.token(opts);
const post = async (body: unknown, opts = REQUESTER) => s.t.call('POST', '/v1/exports', { token: await token(opts), body });
const review = async (id: string, body: unknown, opts = REVIEWER) => s.t.call('POST', `/v1/exports/${id}/review`, { token: await token(opts), body });
const get = async (path: string, opts = REQUESTER) => s.t.call('GET', path, { token: await token(opts) });

/** Runs an async service call that must fail with an ApiError; answers its status, code and message. */
async function serviceFailure(fn: () => Promise<unknown>): Promise<{ status: number; code: string; message: string }> {
  const err = await fn().then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(err)}`);
  return { status: err.status, code: err.code, message: err.message };
}

describe('POST /v1/exports', () => {
  it('answers 400 naming the missing licence or purpose, and other malformed bodies', async () => {
    const { license: _l, ...noLicense } = EXPORT_REQUEST;
    expect(await expectError(await post(noLicense), 400, 'VALIDATION_FAILED')).toContain('license is required');
    const { purpose: _p, ...noPurpose } = EXPORT_REQUEST;
    expect(await expectError(await post(noPurpose), 400, 'VALIDATION_FAILED')).toContain('purpose is required');
    expect(await expectError(await post({ ...EXPORT_REQUEST, purpose: [] }), 400, 'VALIDATION_FAILED')).toContain('at least one purpose');
    const { tenant: _t, ...noTenant } = EXPORT_REQUEST;
    expect(await expectError(await post(noTenant), 400, 'VALIDATION_FAILED')).toContain('tenant is required');
    await expectError(await post({ ...EXPORT_REQUEST, kind: 'abstractive' }), 400, 'VALIDATION_FAILED');
    await expectError(await post({ ...EXPORT_REQUEST, extra: 1 }), 400, 'VALIDATION_FAILED');
    await expectError(await s.t.call('POST', '/v1/exports', { token: await token(REQUESTER), body: '{"tenant":' }), 400, 'BAD_JSON');
  });

  it('answers 404 UNKNOWN_TENANT for a tenant that does not exist', async () => {
    const message = await expectError(await post({ ...EXPORT_REQUEST, tenant: 'nope' }), 404, 'UNKNOWN_TENANT');
    expect(message).toContain('nope');
  });

  it('is Cedar createExport: scope, licence, purposes and membership are each refused with what is missing', async () => {
    expect(await expectError(await post(EXPORT_REQUEST, { ...REQUESTER, scopes: ['admin.write'] }), 403, 'FORBIDDEN')).toContain('scope export.create');
    expect(await expectError(await post({ ...EXPORT_REQUEST, license: 'CC-BY-4.0' }), 403, 'FORBIDDEN')).toContain('a licence the tenant allows');
    expect(await expectError(await post({ ...EXPORT_REQUEST, purpose: ['investigation', 'marketing'] }), 403, 'FORBIDDEN')).toContain("each among the token's purposes");
    expect(await expectError(await post(EXPORT_REQUEST, { ...REQUESTER, purposes: [] }), 403, 'FORBIDDEN')).toContain("the token's purposes");
    expect(await expectError(await post(EXPORT_REQUEST, { ...REQUESTER, tenant: 'globex', sub: 'user:requester@globex' }), 403, 'FORBIDDEN')).toContain('membership of the tenant');
    await expectError(await s.t.call('POST', '/v1/exports', { body: EXPORT_REQUEST }), 401, 'UNAUTHENTICATED');
  });

  it('answers 202 {exportId, status: building} with its Location, and audits the request', async () => {
    const trail = (await auditTrail(s.t.db)).length;
    const res = await post(EXPORT_REQUEST);
    expect(res.status).toBe(202);
    const body = (await res.json()) as { exportId: string; status: string };
    expect(body).toEqual({ exportId: expect.stringMatching(/^[0-9a-f-]{36}$/), status: 'building' });
    expect(res.headers.get('location')).toBe(`/v1/exports/${body.exportId}`);
    expect((await auditTrail(s.t.db)).slice(trail)).toEqual([
      {
        actor: 'user:requester@acme',
        tenantId: 'acme',
        action: 'export.create',
        target: `export:${body.exportId}`,
        payload: { kind: 'extractive-summary', license: 'Restricted-TOS', purpose: ['investigation'], redact: false, maxDocuments: 25, chunkSize: 4096 },
      },
    ]);

    // Building: visible by status, with no manifest and nothing to download.
    const status = await get(`/v1/exports/${body.exportId}`);
    expect(ExportSummarySchema.parse(await status.json())).toMatchObject({ status: 'building', requestedBy: 'user:requester@acme', chunkCount: null, totalSize: null, merkleRoot: null });
    expect(await expectError(await get(`/v1/exports/${body.exportId}/manifest`), 404, 'NOT_FOUND')).toContain('building');
    expect(await expectError(await get(`/v1/exports/${body.exportId}/download`), 403, 'FORBIDDEN')).toContain('an approved export');
    await s.build(body.exportId);
  });
});

describe('GET /v1/exports and /v1/exports/{id}', () => {
  let acme: ExportSummary;
  let globexId: string;
  beforeAll(async () => {
    acme = ExportSummarySchema.parse(await (await get(`/v1/exports/${(await s.createBuilt()).exportId}`)).json());
    const globexRequester = { ...REQUESTER, tenant: 'globex', sub: 'user:requester@globex' };
    const created = await post({ ...EXPORT_REQUEST, tenant: 'globex', maxDocuments: 3 }, globexRequester);
    globexId = ((await created.json()) as { exportId: string }).exportId;
  });

  it('lists the tenant’s exports newest first, filtered by status, with their build figures', async () => {
    const res = await get('/v1/exports?tenant=acme&status=pending_review');
    expect(res.status).toBe(200);
    const { exports } = (await res.json()) as { exports: ExportSummary[] };
    expect(exports[0]).toEqual(acme);
    expect(exports.every((e) => e.tenant === 'acme' && e.status === 'pending_review')).toBe(true);
    expect(acme.chunkCount).toBeGreaterThan(2);
    expect(acme.totalSize).toBeGreaterThan(2 * 4096);
    expect(acme.merkleRoot).toMatch(/^[0-9a-f]{64}$/);
    const building = (await (await get('/v1/exports?tenant=acme&status=building')).json()) as { exports: ExportSummary[] };
    expect(building.exports.map((e) => e.exportId)).not.toContain(acme.exportId);
  });

  it('without ?tenant lists the tenants the caller may read: its own for members, all for platform admins', async () => {
    const ids = async (opts: typeof REQUESTER) => ((await (await get('/v1/exports', opts)).json()) as { exports: ExportSummary[] }).exports.map((e) => e.exportId);
    const member = await ids(tenantReader('acme'));
    expect(member).toContain(acme.exportId);
    expect(member).not.toContain(globexId);
    const admin = await ids(PLATFORM_ADMIN);
    expect(admin).toEqual(expect.arrayContaining([acme.exportId, globexId]));
  });

  it('refuses another tenant’s list or export with 403, and answers 404 for an unknown id and 400 for a malformed one', async () => {
    expect(await expectError(await get('/v1/exports?tenant=acme', tenantReader('globex')), 403, 'FORBIDDEN')).toContain('membership of the tenant');
    await expectError(await get(`/v1/exports/${acme.exportId}`, tenantReader('globex')), 403, 'FORBIDDEN');
    await expectError(await get('/v1/exports/00000000-0000-4000-8000-000000000000'), 404, 'NOT_FOUND');
    await expectError(await get('/v1/exports/not-a-uuid'), 404, 'NOT_FOUND');
    await expectError(await get('/v1/exports/bad%20id'), 400, 'VALIDATION_FAILED');
    await expectError(await get('/v1/exports?status=done'), 400, 'VALIDATION_FAILED');
  });

  it('gives the admin pages the same answers without HTTP, decided by the same policies', async () => {
    expect(await getExportSummary(s.t.db, claimsOf(REQUESTER), acme.exportId)).toEqual(acme);
    expect((await listExportSummaries(s.t.db, claimsOf(REQUESTER), { tenant: 'acme', status: 'pending_review' }))[0]).toEqual(acme);
    expect(await serviceFailure(() => getExportSummary(s.t.db, claimsOf(tenantReader('globex')), acme.exportId))).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    const detail = await getExportDetail(s.t.db, claimsOf(REVIEWER), acme.exportId);
    expect(detail).toMatchObject({ summary: acme, proofs: { license: 'Restricted-TOS', purpose: ['investigation'], pii: 'none' }, source: { operation: expect.any(String) }, failure: null });
    expect(detail.piiReport?.sentences.scanned).toBeGreaterThan(0);
  });
});

describe('POST /v1/exports/{id}/review', () => {
  let id: string;
  beforeAll(async () => {
    id = (await s.createBuilt()).exportId;
  });

  it('is Cedar reviewExport: clearance 3, a missing scope, another tenant and self-review are each refused', async () => {
    const approve = { decision: 'approve', reason: 'scanned, licence fine' };
    expect(await expectError(await review(id, approve, { ...REVIEWER, clearance: 3 }), 403, 'FORBIDDEN')).toContain('clearance 4 or more');
    expect(await expectError(await review(id, approve, { ...REVIEWER, scopes: ['export.create'] }), 403, 'FORBIDDEN')).toContain('scope export.review');
    expect(await expectError(await review(id, approve, { ...REVIEWER, tenant: 'globex', sub: 'user:reviewer@globex' }), 403, 'FORBIDDEN')).toContain("membership of the export's tenant");
    const self = { ...REQUESTER, scopes: ['export.create', 'export.review'], clearance: 5 };
    expect(await expectError(await review(id, approve, self), 403, 'FORBIDDEN')).toContain('a reviewer other than the requester');
    await expectError(await s.t.call('POST', `/v1/exports/${id}/review`, { body: approve }), 401, 'UNAUTHENTICATED');
    expect((await getExportSummary(s.t.db, claimsOf(REQUESTER), id)).status).toBe('pending_review');
  });

  it('answers 400 naming a missing reason or decision, and 404 for an unknown export', async () => {
    expect(await expectError(await review(id, { decision: 'approve' }), 400, 'VALIDATION_FAILED')).toContain('reason is required');
    expect(await expectError(await review(id, { reason: 'ok' }), 400, 'VALIDATION_FAILED')).toContain('decision is required');
    await expectError(await review(id, { decision: 'maybe', reason: 'ok' }), 400, 'VALIDATION_FAILED');
    await expectError(await review(id, { decision: 'approve', reason: '   ' }), 400, 'VALIDATION_FAILED');
    await expectError(await review('00000000-0000-4000-8000-000000000000', { decision: 'approve', reason: 'ok' }), 404, 'NOT_FOUND');
  });

  it('lets the reviewer see a sample of lines, each traceable to its source, before deciding', async () => {
    const sample = await sampleExportLines(s.t.db, s.blobs, claimsOf(REVIEWER), id, { limit: 5 });
    expect(sample.lines).toHaveLength(5);
    expect(sample.more).toBe(true);
    for (const line of sample.lines) {
      const n = Number(/(\d+)$/.exec(line.docId)![1]);
      expect(expectedText(generateDocument('acme', n).body, line)).toBe(line.text);
    }
    // Samples are for reviewers: the requester and a download-only pipeline see none.
    expect(await serviceFailure(() => sampleExportLines(s.t.db, s.blobs, claimsOf(REQUESTER), id))).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect(await serviceFailure(() => sampleExportLines(s.t.db, s.blobs, claimsOf(PIPELINE), id))).toMatchObject({ status: 403 });
  });

  it('approves once with an audit entry; a second review of any kind is 409', async () => {
    const trail = (await auditTrail(s.t.db)).length;
    const res = await review(id, { decision: 'approve', reason: 'scanned, licence fine' });
    expect(res.status).toBe(200);
    expect(ExportSummarySchema.parse(await res.json())).toMatchObject({ status: 'approved', reviewedBy: 'user:reviewer@acme', reviewReason: 'scanned, licence fine', reviewedAt: expect.any(String) });
    const [entry] = (await auditTrail(s.t.db)).slice(trail);
    expect(entry).toMatchObject({ actor: 'user:reviewer@acme', tenantId: 'acme', action: 'export.approve', target: `export:${id}`, payload: { reason: 'scanned, licence fine', requestedBy: 'user:requester@acme' } });

    const other = { ...REVIEWER, sub: 'user:second@acme' };
    expect(await expectError(await review(id, { decision: 'reject', reason: 'changed my mind' }, other), 409, 'CONFLICT')).toContain('only a pending_review export can be reviewed');
    await expectError(await review(id, { decision: 'approve', reason: 'again' }), 409, 'CONFLICT');
    expect((await auditTrail(s.t.db)).length).toBe(trail + 1);
  });

  it('refuses to review an export still building with 409', async () => {
    const created = (await (await post({ ...EXPORT_REQUEST, maxDocuments: 2 })).json()) as { exportId: string };
    await expectError(await review(created.exportId, { decision: 'approve', reason: 'too early' }), 409, 'CONFLICT');
    await s.build(created.exportId);
  });

  it('rejects with a reason: the chunk rows and blobs are deleted, the manifest kept, downloads refused', async () => {
    const rejected = (await s.createBuilt()).exportId;
    expect((await listExportChunks(s.t.db, rejected)).length).toBeGreaterThan(0);
    await access(join(s.root, exportBlobPrefix(rejected)));

    const res = await review(rejected, { decision: 'reject', reason: 'purpose too broad' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'rejected', reviewReason: 'purpose too broad' });
    expect(await listExportChunks(s.t.db, rejected)).toEqual([]);
    await expect(access(join(s.root, exportBlobPrefix(rejected)))).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await auditTrail(s.t.db)).at(-1)).toMatchObject({ action: 'export.reject', target: `export:${rejected}`, payload: { reason: 'purpose too broad' } });

    expect((await get(`/v1/exports/${rejected}/manifest`)).status).toBe(200);
    expect(await expectError(await get(`/v1/exports/${rejected}/download`), 403, 'FORBIDDEN')).toContain('an approved export');
    await expectError(await get(`/v1/exports/${rejected}/chunks/0`), 403, 'FORBIDDEN');
    await expectError(await review(rejected, { decision: 'approve', reason: 'oops' }), 409, 'CONFLICT');
    expect(await serviceFailure(() => sampleExportLines(s.t.db, s.blobs, claimsOf(REVIEWER), rejected))).toMatchObject({ status: 409, code: 'CONFLICT' });
  });

  it('keeps each export’s history in the audit chain, which verifies', async () => {
    const history = await exportHistory(s.t.db, claimsOf(REQUESTER), id);
    expect(history.map((e) => e.action)).toEqual(['export.create', 'export.publish', 'export.approve']);
    expect(history.map((e) => e.actor)).toEqual(['user:requester@acme', 'automation:export-builder', 'user:reviewer@acme']);
    expect(await verifyAuditChain(s.t.db)).toMatchObject({ ok: true });
  });
});

describe('GET /v1/exports/{id}/manifest', () => {
  it('answers the signed manifest to readers of the tenant once published, before approval too', async () => {
    const row = await s.createBuilt();
    for (const reader of [REQUESTER, REVIEWER, PIPELINE, tenantReader('acme')]) {
      const res = await get(`/v1/exports/${row.exportId}/manifest`, reader);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual(row.manifest);
    }
    const manifest = (await (await get(`/v1/exports/${row.exportId}/manifest`)).json()) as Parameters<typeof verifyManifestSignature>[0];
    const jwks = (await (await s.t.call('GET', '/.well-known/jwks.json')).json()) as { keys: [] };
    expect(await verifyManifestSignature(manifest, jwks)).toMatchObject({ ok: true, kid: s.t.secrets.publicJwk.kid });
    await expectError(await get(`/v1/exports/${row.exportId}/manifest`, tenantReader('globex')), 403, 'FORBIDDEN');
  });
});

describe('the backout "hide RAG export" (PUT /v1/exports/switch)', () => {
  let approved: string;
  beforeAll(async () => {
    approved = (await s.createBuilt()).exportId;
    expect((await review(approved, { decision: 'approve', reason: 'fine' })).status).toBe(200);
  });
  const flip = async (enabled: unknown, opts = PLATFORM_ADMIN) => s.t.call('PUT', '/v1/exports/switch', { token: await token(opts), body: { enabled } });

  it('is a platform admin’s change with admin.write: tenant admins, reviewers and read-only admins are refused', async () => {
    expect(await expectError(await flip(false, tenantAdmin('acme')), 403, 'FORBIDDEN')).toContain('role platform-admin');
    await expectError(await flip(false, REVIEWER), 403, 'FORBIDDEN');
    expect(await expectError(await flip(false, { ...PLATFORM_ADMIN, scopes: ['admin.read'] }), 403, 'FORBIDDEN')).toContain('scope admin.write');
    await expectError(await flip('off'), 400, 'VALIDATION_FAILED');
    await expectError(await s.t.call('PUT', '/v1/exports/switch', { token: await token(PLATFORM_ADMIN), body: {} }), 400, 'VALIDATION_FAILED');
    expect(await (await get('/v1/exports/switch', PLATFORM_ADMIN)).json()).toEqual({ exportsEnabled: true, updatedAt: null, updatedBy: null });
  });

  it('switches creation and downloads off in one audited call, keeps every export, and restores them when switched on', async () => {
    const downloaded = await get(`/v1/exports/${approved}/download`);
    expect(downloaded.status).toBe(200);
    const bytes = new Uint8Array(await downloaded.arrayBuffer());
    const trail = (await auditTrail(s.t.db)).length;

    const off = await flip(false);
    expect(off.status).toBe(200);
    expect(await off.json()).toEqual({ exportsEnabled: false, updatedAt: expect.any(String), updatedBy: 'user:root' });
    expect((await flip(false)).status).toBe(200);
    expect((await auditTrail(s.t.db)).slice(trail)).toEqual([
      { actor: 'user:root', tenantId: null, action: 'exports.switch.set', target: 'exports:switch', payload: { before: { exportsEnabled: true }, after: { exportsEnabled: false } } },
    ]);

    expect(await expectError(await post(EXPORT_REQUEST), 503, 'EXPORTS_DISABLED')).toContain('switched off');
    for (const path of ['download', 'chunks/0', 'manifest', 'chunks/0/proof']) await expectError(await get(`/v1/exports/${approved}/${path}`), 503, 'EXPORTS_DISABLED');
    // Kept: status, listing and the queue go on.
    expect(await (await get(`/v1/exports/${approved}`)).json()).toMatchObject({ status: 'approved' });
    expect(((await (await get('/v1/exports?tenant=acme')).json()) as { exports: ExportSummary[] }).exports.map((e) => e.exportId)).toContain(approved);
    // Policy still comes first: who could not download anyway is told so.
    await expectError(await get(`/v1/exports/${approved}/download`, tenantReader('globex')), 403, 'FORBIDDEN');

    expect(await (await flip(true)).json()).toMatchObject({ exportsEnabled: true, updatedBy: 'user:root' });
    const again = await get(`/v1/exports/${approved}/download`);
    expect(again.status).toBe(200);
    expect(new Uint8Array(await again.arrayBuffer())).toEqual(bytes);
    expect((await post({ ...EXPORT_REQUEST, maxDocuments: 1 })).status).toBe(202);
    expect((await auditTrail(s.t.db)).filter((e) => e.action === 'exports.switch.set').map((e) => e.payload)).toEqual([
      { before: { exportsEnabled: true }, after: { exportsEnabled: false } },
      { before: { exportsEnabled: false }, after: { exportsEnabled: true } },
    ]);
    expect(await verifyAuditChain(s.t.db)).toMatchObject({ ok: true });
  });
});

describe('GET /openapi.json', () => {
  it('documents every /v1/exports route with its operation id', async () => {
    const doc = (await (await s.t.call('GET', '/openapi.json')).json()) as { paths: Record<string, Record<string, { operationId: string }>> };
    const ops = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/v1/exports'))
      .flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => `${method.toUpperCase()} ${path} ${op.operationId}`))
      .sort();
    expect(ops).toEqual(
      [
        'POST /v1/exports createExport',
        'GET /v1/exports listExports',
        'GET /v1/exports/switch getExportsSwitch',
        'PUT /v1/exports/switch setExportsSwitch',
        'GET /v1/exports/{id} getExport',
        'POST /v1/exports/{id}/review reviewExport',
        'GET /v1/exports/{id}/manifest getExportManifest',
        'GET /v1/exports/{id}/chunks/{ix} getExportChunk',
        'GET /v1/exports/{id}/chunks/{ix}/proof getExportChunkProof',
        'GET /v1/exports/{id}/download downloadExport',
        // The review queue's reads (review-routes.ts).
        'GET /v1/exports/{id}/detail getExportDetail',
        'GET /v1/exports/{id}/sample getExportSample',
        'GET /v1/exports/{id}/history getExportHistory',
      ].sort(),
    );
  });
});
