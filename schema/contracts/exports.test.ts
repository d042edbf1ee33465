import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  ChunkInclusionProofSchema,
  ExportRequestSchema,
  ExportReviewSchema,
  ExportSummarySchema,
  ManifestSchema,
  UnsignedManifestSchema,
  type Manifest,
} from './exports.ts';

const hex = (c: string) => c.repeat(64);

// Shape only: the digests, root and signature are not consistent with each other (the verifier's
// business, control-plane/src/exports/manifest/verify.ts), just well-formed.
const MANIFEST: Manifest = {
  manifestVersion: '1.0',
  exportId: 'exp_01JDX8Q2',
  tenant: 'acme',
  kind: 'extractive-summary',
  createdAt: '2026-12-02T15:00:00.000Z',
  chunkSize: 8_388_608,
  totalSize: 8_388_708,
  contentType: 'application/jsonl',
  hashAlg: 'sha-256',
  merkleRoot: hex('a'),
  chunks: [
    { ix: 0, sha256: hex('b'), size: 8_388_608 },
    { ix: 1, sha256: hex('c'), size: 100 },
  ],
  proofs: { license: 'Restricted-TOS', purpose: ['investigation'], pii: 'none' },
  source: { operation: 'documents', snapshot: 'acme-seed-20261202' },
  signature: 'eyJhbGciOiJFZERTQSIsImtpZCI6ImRldi0xIiwiYjY0IjpmYWxzZSwiY3JpdCI6WyJiNjQiXX0..c2lnbmF0dXJl',
};

/** Each issue as "path: message", the form the control plane's 400 uses. */
function problems(schema: z.ZodType, value: unknown): string[] {
  const result = schema.safeParse(value);
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

function without(value: object, path: string[]): unknown {
  const copy = structuredClone(value) as Record<string, unknown>;
  let at = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string, unknown>;
  delete at[path.at(-1)!];
  return copy;
}

describe('ManifestSchema v1.0', () => {
  it('accepts the example unchanged', () => {
    expect(ManifestSchema.parse(MANIFEST)).toEqual(MANIFEST);
  });

  const FIELDS = [...Object.keys(MANIFEST).map((k) => [k]), ['proofs', 'license'], ['proofs', 'purpose'], ['proofs', 'pii'], ['source', 'operation'], ['source', 'snapshot']];
  it.each(FIELDS.map((path) => [path.join('.'), path] as const))('refuses a manifest without %s, naming it', (name, path) => {
    const field = path.at(-1)!;
    expect(problems(ManifestSchema, without(MANIFEST, path))).toEqual([`${name}: ${field} is required`]);
  });

  it.each(['ix', 'sha256', 'size'])('refuses a chunk without %s, naming it', (field) => {
    expect(problems(ManifestSchema, without(MANIFEST, ['chunks', '1', field]))).toEqual([`chunks.1.${field}: ${field} is required`]);
  });

  it('leaves signature out of the unsigned manifest, and refuses it there', () => {
    const { signature: _signature, ...unsigned } = MANIFEST;
    expect(UnsignedManifestSchema.parse(unsigned)).toEqual(unsigned);
    expect(problems(UnsignedManifestSchema, MANIFEST)).toHaveLength(1);
  });

  it.each([
    ['an unknown top-level field (it would sit beside the signature unsigned)', { ...MANIFEST, note: 'x' }],
    ['an unknown field in a chunk', { ...MANIFEST, chunks: [{ ...MANIFEST.chunks[0]!, offset: 0 }] }],
    ['an unknown field in proofs', { ...MANIFEST, proofs: { ...MANIFEST.proofs, approvedBy: 'me' } }],
    ['another version', { ...MANIFEST, manifestVersion: '1.1' }],
    ['another kind', { ...MANIFEST, kind: 'abstractive-summary' }],
    ['another hash', { ...MANIFEST, hashAlg: 'sha-1' }],
    ['another content type', { ...MANIFEST, contentType: 'application/json' }],
    ['an uppercase digest', { ...MANIFEST, merkleRoot: hex('A') }],
    ['a short digest', { ...MANIFEST, chunks: [{ ...MANIFEST.chunks[0]!, sha256: 'abc' }] }],
    ['a negative ix', { ...MANIFEST, chunks: [{ ...MANIFEST.chunks[0]!, ix: -1 }] }],
    ['an empty chunk', { ...MANIFEST, chunks: [{ ...MANIFEST.chunks[0]!, size: 0 }] }],
    ['a fractional size', { ...MANIFEST, totalSize: 1.5 }],
    ['a local time without offset', { ...MANIFEST, createdAt: '2026-12-02T15:00:00' }],
    ['an empty purpose list', { ...MANIFEST, proofs: { ...MANIFEST.proofs, purpose: [] } }],
    ['a purpose twice', { ...MANIFEST, proofs: { ...MANIFEST.proofs, purpose: ['investigation', 'investigation'] } }],
    ['pii other than "none" or findings', { ...MANIFEST, proofs: { ...MANIFEST.proofs, pii: 'redacted' } }],
    ['pii findings that list nothing', { ...MANIFEST, proofs: { ...MANIFEST.proofs, pii: { findings: {} } } }],
    ['a zero finding count', { ...MANIFEST, proofs: { ...MANIFEST.proofs, pii: { findings: { email: 0 } } } }],
    ['an attached JWS', { ...MANIFEST, signature: 'eyJhbGciOiJFZERTQSJ9.e30.c2ln' }],
    ['a tenant id with a slash', { ...MANIFEST, tenant: 'acme/../globex' }],
    ['an export id with a slash', { ...MANIFEST, exportId: '../etc' }],
  ])('refuses %s', (_case, value) => {
    expect(problems(ManifestSchema, value)).not.toEqual([]);
  });

  it('accepts pii findings of the final scan, counted by type', () => {
    const found = { ...MANIFEST, proofs: { ...MANIFEST.proofs, pii: { findings: { email: 2, phone: 1 } } } };
    expect(ManifestSchema.parse(found).proofs.pii).toEqual({ findings: { email: 2, phone: 1 } });
  });

  it('accepts an empty export: no chunks, size 0', () => {
    expect(problems(ManifestSchema, { ...MANIFEST, chunks: [], totalSize: 0 })).toEqual([]);
  });
});

describe('ChunkInclusionProofSchema', () => {
  it('accepts an audit path and refuses a non-hex step', () => {
    const proof = { ix: 3, leafHash: hex('1'), treeSize: 5, path: [hex('2'), hex('3')], root: hex('4') };
    expect(ChunkInclusionProofSchema.parse(proof)).toEqual(proof);
    expect(problems(ChunkInclusionProofSchema, { ...proof, path: ['zz'] })).not.toEqual([]);
    expect(problems(ChunkInclusionProofSchema, { ...proof, treeSize: 0 })).not.toEqual([]);
  });
});

describe('ExportRequestSchema (POST /v1/exports)', () => {
  const REQUEST = { tenant: 'acme', kind: 'extractive-summary', license: 'Restricted-TOS', purpose: ['investigation'] };

  it('accepts the minimal request, redact defaulting to false (drop)', () => {
    expect(ExportRequestSchema.parse(REQUEST)).toEqual({ ...REQUEST, redact: false });
    expect(ExportRequestSchema.parse({ ...REQUEST, redact: true, maxDocuments: 500 })).toMatchObject({ redact: true, maxDocuments: 500 });
  });

  it.each(['tenant', 'kind', 'license', 'purpose'])('answers a request without %s with a message naming it', (field) => {
    expect(problems(ExportRequestSchema, without(REQUEST, [field]))).toEqual([`${field}: ${field} is required`]);
  });

  it.each([
    ['an empty purpose list', { ...REQUEST, purpose: [] }, 'purpose: purpose must name at least one purpose'],
    ['an empty purpose', { ...REQUEST, purpose: [''] }, 'purpose.0: purpose: an entry is empty'],
    ['a purpose as a string', { ...REQUEST, purpose: 'investigation' }, 'purpose: Invalid input: expected array, received string'],
    ['an empty licence', { ...REQUEST, license: '' }, 'license: license: a licence identifier such as "Restricted-TOS"'],
    ['another kind', { ...REQUEST, kind: 'abstractive' }, 'kind: Invalid input: expected "extractive-summary"'],
    ['maxDocuments 0', { ...REQUEST, maxDocuments: 0 }, 'maxDocuments: Too small: expected number to be >=1'],
  ])('refuses %s', (_case, value, message) => {
    expect(problems(ExportRequestSchema, value)).toEqual([message]);
  });

  it('refuses a field it does not know, such as a requester asserting pii', () => {
    expect(problems(ExportRequestSchema, { ...REQUEST, pii: 'none' })).not.toEqual([]);
  });
});

describe('ExportReviewSchema (POST /v1/exports/{id}/review)', () => {
  it('takes a decision with a reason', () => {
    expect(ExportReviewSchema.parse({ decision: 'reject', reason: ' names a patient ' })).toEqual({ decision: 'reject', reason: 'names a patient' });
  });

  it.each([
    ['no reason', { decision: 'approve' }, ['reason: reason is required']],
    ['a blank reason', { decision: 'approve', reason: '   ' }, ['reason: reason must not be empty']],
    ['no decision', { reason: 'ok' }, ['decision: decision is required']],
    ['another decision', { decision: 'escalate', reason: 'ok' }, ['decision: Invalid option: expected one of "approve"|"reject"']],
  ])('refuses %s', (_case, value, messages) => {
    expect(problems(ExportReviewSchema, value)).toEqual(messages);
  });
});

describe('ExportSummarySchema (GET /v1/exports/{id})', () => {
  it('accepts an export pending review and one approved', () => {
    const pending = {
      exportId: 'exp_01JDX8Q2',
      tenant: 'acme',
      kind: 'extractive-summary',
      status: 'pending_review',
      requestedBy: 'user:alice',
      createdAt: '2026-12-02T15:00:00.000Z',
      license: 'Restricted-TOS',
      purpose: ['investigation'],
      redact: false,
      chunkCount: 2,
      totalSize: 8_388_708,
      merkleRoot: hex('a'),
      reviewedBy: null,
      reviewedAt: null,
      reviewReason: null,
    };
    expect(ExportSummarySchema.parse(pending)).toEqual(pending);
    const approved = { ...pending, status: 'approved', reviewedBy: 'user:bob', reviewedAt: '2026-12-02T16:00:00.000Z', reviewReason: 'ok' };
    expect(ExportSummarySchema.parse(approved)).toEqual(approved);
    expect(problems(ExportSummarySchema, { ...pending, status: 'done' })).not.toEqual([]);
  });
});
