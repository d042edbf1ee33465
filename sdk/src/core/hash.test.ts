import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { documentId, sha256Hex, variablesHash } from './hash.ts';

describe('sha256Hex', () => {
  it('matches the FIPS 180-2 vectors', async () => {
    expect(await sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(await sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('hashes strings as UTF-8, the same as the equivalent bytes', async () => {
    expect(await sha256Hex('é')).toBe(await sha256Hex(new Uint8Array([0xc3, 0xa9])));
  });
});

describe('documentId', () => {
  it('is sha256: plus the hex digest of the document text, as Apollo persisted-query manifests record it', async () => {
    expect(await documentId('query Ping { ping }')).toBe(`sha256:${createHash('sha256').update('query Ping { ping }').digest('hex')}`);
  });

  it('changes when a single character of the document changes', async () => {
    const body = 'query EntityById($id: ID!) { entity(id: $id) { id name } }';
    expect(await documentId(`${body} `)).not.toBe(await documentId(body));
  });
});

describe('variablesHash', () => {
  it('is the sha256 of the canonical JSON', async () => {
    expect(await variablesHash({ id: '5' })).toBe(await sha256Hex('{"id":"5"}'));
  });

  it('ignores key order', async () => {
    expect(await variablesHash({ a: 1, b: { d: 2, c: 3 } })).toBe(await variablesHash({ b: { c: 3, d: 2 }, a: 1 }));
  });

  it('treats missing variables and null variables as the same request', async () => {
    expect(await variablesHash(undefined)).toBe(await variablesHash(null));
    expect(await variablesHash(null)).toBe(await sha256Hex('null'));
  });

  it('keeps no variables, empty variables and a null-valued variable apart', async () => {
    const hashes = new Set([await variablesHash(null), await variablesHash({}), await variablesHash({ id: null })]);
    expect(hashes.size).toBe(3);
  });

  it('keeps 1 and "1" apart but 1 and 1.0 together', async () => {
    expect(await variablesHash({ n: 1 })).not.toBe(await variablesHash({ n: '1' }));
    expect(await variablesHash({ n: 1 })).toBe(await variablesHash({ n: 1.0 }));
  });
});
