import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDocument } from '@conductor/example-origin/corpus';
import { ExportDetailSchema, ExportHistorySchema, ExportSampleSchema } from '@conductor/schema/contracts/export-review';
import { expectError } from '../testing/api-error.ts';
import { tenantReader } from '../testing/app.ts';
import { EXPORT_REQUEST, REQUESTER, REVIEWER, startExportsStack, type ExportsStack } from './testing.ts';

// The review queue's reads over HTTP, on the real stack (testing.ts): what they answer parses with
// the contract, and Cedar decides each as docs/adr/0020 says (the services are tested in routes.test.ts).
let s: ExportsStack;
let id: string;
beforeAll(async () => {
  s = await startExportsStack();
  id = (await s.createBuilt({ ...EXPORT_REQUEST, maxDocuments: 15 })).exportId;
}, 60_000);
afterAll(() => s?.close());

const get = async (path: string, opts = REVIEWER) => s.t.call('GET', path, { token: await s.t.token(opts) });
const LOW_CLEARANCE = { ...REVIEWER, sub: 'user:analyst@acme', clearance: 3 };
const GLOBEX_READER = tenantReader('globex');

describe('GET /v1/exports/{id}/detail', () => {
  it('answers the summary, the signed proofs and source, and the build’s PII report', async () => {
    const res = await get(`/v1/exports/${id}/detail`);
    expect(res.status).toBe(200);
    const detail = ExportDetailSchema.parse(await res.json());
    expect(detail.summary).toEqual(await (await get(`/v1/exports/${id}`)).json());
    expect(detail.proofs).toEqual({ license: 'Restricted-TOS', purpose: ['investigation'], pii: 'none' });
    expect(detail.source?.operation).toBeTruthy();
    expect(detail.piiReport!.sentences.scanned).toBe(detail.piiReport!.sentences.clean + detail.piiReport!.sentences.dropped);
    expect(detail.piiReport!.sentences.dropped).toBeGreaterThan(0);
    expect(detail.failure).toBeNull();
  });

  it('is a read of the export’s tenant: any member may, another tenant may not', async () => {
    expect((await get(`/v1/exports/${id}/detail`, LOW_CLEARANCE)).status).toBe(200);
    expect(await expectError(await get(`/v1/exports/${id}/detail`, GLOBEX_READER), 403, 'FORBIDDEN')).toContain('membership of the tenant');
    await expectError(await get('/v1/exports/00000000-0000-4000-8000-000000000000/detail'), 404, 'NOT_FOUND');
  });

  it('has no proofs or report while the export is building', async () => {
    const res = await s.t.call('POST', '/v1/exports', { token: await s.t.token(REQUESTER), body: EXPORT_REQUEST });
    const { exportId } = (await res.json()) as { exportId: string };
    const detail = ExportDetailSchema.parse(await (await get(`/v1/exports/${exportId}/detail`)).json());
    expect(detail).toMatchObject({ summary: { status: 'building' }, proofs: null, source: null, piiReport: null });
    await expectError(await get(`/v1/exports/${exportId}/sample`), 409, 'CONFLICT');
    await s.build(exportId);
  });
});

describe('GET /v1/exports/{id}/sample', () => {
  it('answers the first n lines, each traceable to its source document character for character', async () => {
    const res = await get(`/v1/exports/${id}/sample?n=7`);
    expect(res.status).toBe(200);
    const sample = ExportSampleSchema.parse(await res.json());
    expect(sample.lines).toHaveLength(7);
    expect(sample.more).toBe(true);
    for (const line of sample.lines) {
      const doc = generateDocument('acme', Number(line.docId.replace(/^doc-/, '')));
      expect(doc.body.slice(line.start, line.end)).toBe(line.text);
    }
    // The default is 10, and n is bounded.
    expect(ExportSampleSchema.parse(await (await get(`/v1/exports/${id}/sample`)).json()).lines).toHaveLength(10);
    await expectError(await get(`/v1/exports/${id}/sample?n=0`), 400, 'VALIDATION_FAILED');
    await expectError(await get(`/v1/exports/${id}/sample?n=101`), 400, 'VALIDATION_FAILED');
  });

  it('is reviewExport: the requester and a reviewer below clearance 4 are refused with why', async () => {
    expect(await expectError(await get(`/v1/exports/${id}/sample`, LOW_CLEARANCE), 403, 'FORBIDDEN')).toContain('clearance 4 or more');
    expect(await expectError(await get(`/v1/exports/${id}/sample`, { ...REQUESTER, scopes: ['export.create', 'export.review'], clearance: 4 }), 403, 'FORBIDDEN')).toContain(
      'a reviewer other than the requester',
    );
    const globexReviewer = { ...REVIEWER, tenant: 'globex', sub: 'user:reviewer@globex' };
    expect(await expectError(await get(`/v1/exports/${id}/sample`, globexReviewer), 403, 'FORBIDDEN')).toContain("membership of the export's tenant");
  });
});

describe('GET /v1/exports/{id}/history', () => {
  it('answers the export’s audit entries, oldest first, to readers of its tenant', async () => {
    const review = await s.t.call('POST', `/v1/exports/${id}/review`, { token: await s.t.token(REVIEWER), body: { decision: 'approve', reason: 'sampled' } });
    expect(review.status).toBe(200);
    const res = await get(`/v1/exports/${id}/history`, tenantReader('acme'));
    expect(res.status).toBe(200);
    const { entries } = ExportHistorySchema.parse(await res.json());
    expect(entries.map((e) => [e.action, e.actor])).toEqual([
      ['export.create', 'user:requester@acme'],
      ['export.publish', 'automation:export-builder'],
      ['export.approve', 'user:reviewer@acme'],
    ]);
    expect(entries[2]!.payload).toMatchObject({ reason: 'sampled' });
    await expectError(await get(`/v1/exports/${id}/history`, GLOBEX_READER), 403, 'FORBIDDEN');
  });
});
