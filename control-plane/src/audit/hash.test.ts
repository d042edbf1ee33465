import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, auditRowHash, type AuditHashedFields } from './hash.ts';

// Pins row_hash = sha256(prev_hash ‖ canonical_json(fields)) (docs/adr/0005) with a vector computed
// here, independently of the code under test: node:crypto over the canonical JSON written out by hand
// (keys sorted, no whitespace). A verifier outside this codebase must be able to do exactly this.
const fields: AuditHashedFields = {
  at: '2026-01-02T03:04:05.678Z',
  actor: 'user:admin@acme',
  tenantId: 'acme',
  action: 'tenant.update',
  target: 'tenant:acme',
  payload: { strictSafelist: true, name: 'Acme Corp' },
};
const CANONICAL = '{"action":"tenant.update","actor":"user:admin@acme","at":"2026-01-02T03:04:05.678Z","payload":{"name":"Acme Corp","strictSafelist":true},"target":"tenant:acme","tenantId":"acme"}';
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('auditRowHash', () => {
  it('is sha256 over the previous hash followed by the canonical JSON of the fields', async () => {
    expect(await auditRowHash(GENESIS_HASH, fields)).toBe(sha256(GENESIS_HASH + CANONICAL));
    const prev = sha256('any earlier row');
    expect(await auditRowHash(prev, fields)).toBe(sha256(prev + CANONICAL));
  });

  it('changes with the previous hash alone, which is what links the rows', async () => {
    expect(await auditRowHash(sha256('a'), fields)).not.toBe(await auditRowHash(sha256('b'), fields));
  });

  it('covers every field, null tenant included', async () => {
    const platformWide = { ...fields, tenantId: null };
    expect(await auditRowHash(GENESIS_HASH, platformWide)).toBe(sha256(GENESIS_HASH + CANONICAL.replace('"tenantId":"acme"', '"tenantId":null')));
  });
});
