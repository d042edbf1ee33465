import { describe, expect, it } from 'vitest';
import { chunkEtag, decideRange, downloadEtag, sha256DigestField, type FullReason, type RangeDecision } from './index.ts';

// SHA-256("abc"), FIPS 180-2 appendix B.1; its base64 is the RFC 9530 field value below.
const ABC_SHA256 = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
const ETAG = chunkEtag(ABC_SHA256);
const SIZE = 100;

const full = (reason: FullReason, length = SIZE): RangeDecision => ({ status: 200, reason, length });
const partial = (start: number, end: number, size = SIZE, conditional = false): RangeDecision => ({
  status: 206,
  start,
  end,
  length: end - start + 1,
  contentRange: `bytes ${start}-${end}/${size}`,
  conditional,
});
const unsatisfiable = (size = SIZE): RangeDecision => ({ status: 416, contentRange: `bytes */${size}` });

type Case = [name: string, request: { range?: string | null; ifRange?: string | null; size?: number }, expected: RangeDecision];

// RFC 9110 §14 (Range), §13.1.5 (If-Range), §15.3.7 (206), §15.5.17 (416).
const cases: Case[] = [
  ['no Range', {}, full('no-range')],
  ['Range null', { range: null }, full('no-range')],
  ['first byte: bytes=0-0', { range: 'bytes=0-0' }, partial(0, 0)],
  ['open range from 0: bytes=0-', { range: 'bytes=0-' }, partial(0, 99)],
  ['open range mid: bytes=40-', { range: 'bytes=40-' }, partial(40, 99)],
  ['last byte as open range: bytes=99-', { range: 'bytes=99-' }, partial(99, 99)],
  ['closed range: bytes=10-19', { range: 'bytes=10-19' }, partial(10, 19)],
  ['whole as a range: bytes=0-99', { range: 'bytes=0-99' }, partial(0, 99)],
  ['last byte: bytes=-1', { range: 'bytes=-1' }, partial(99, 99)],
  ['suffix: bytes=-10', { range: 'bytes=-10' }, partial(90, 99)],
  ['suffix longer than the representation is the whole (§14.1.1)', { range: 'bytes=-500' }, partial(0, 99)],
  ['empty suffix bytes=-0 is unsatisfiable', { range: 'bytes=-0' }, unsatisfiable()],
  ['start at size: bytes=100- is unsatisfiable', { range: 'bytes=100-' }, unsatisfiable()],
  ['start past size: bytes=150-200 is unsatisfiable', { range: 'bytes=150-200' }, unsatisfiable()],
  ['huge start is unsatisfiable', { range: 'bytes=99999999999999999999-' }, unsatisfiable()],
  ['end past size is clamped', { range: 'bytes=50-1000' }, partial(50, 99)],
  ['huge end is clamped', { range: 'bytes=0-99999999999999999999' }, partial(0, 99)],
  ['start > end is invalid, ignored (§14.1.1)', { range: 'bytes=5-2' }, full('range-invalid')],
  ['garbage', { range: 'garbage' }, full('range-invalid')],
  ['no range-set: bytes=', { range: 'bytes=' }, full('range-invalid')],
  ['just a dash: bytes=-', { range: 'bytes=-' }, full('range-invalid')],
  ['non-digit: bytes=a-b', { range: 'bytes=a-b' }, full('range-invalid')],
  ['digits with junk: bytes=1x-5', { range: 'bytes=1x-5' }, full('range-invalid')],
  ['negative start: bytes=--5', { range: 'bytes=--5' }, full('range-invalid')],
  ['space inside a range-spec: bytes=0 - 5', { range: 'bytes=0 - 5' }, full('range-invalid')],
  ['no unit: =0-5', { range: '=0-5' }, full('range-invalid')],
  ['one bad element spoils the set', { range: 'bytes=0-5,x' }, full('range-invalid')],
  ['unit is case-insensitive: Bytes=0-0', { range: 'Bytes=0-0' }, partial(0, 0)],
  ['empty list elements are allowed: bytes=, 0-9 ,', { range: 'bytes=, 0-9 ,' }, partial(0, 9)],
  ['another unit is ignored: items=0-5', { range: 'items=0-5' }, full('range-unit')],
  ['two ranges: whole representation', { range: 'bytes=0-0,-1' }, full('multiple-ranges')],
  ['overlapping ranges: whole representation', { range: 'bytes=0-10,5-20' }, full('multiple-ranges')],
  ['one satisfiable, one not: whole representation', { range: 'bytes=0-9,500-' }, full('multiple-ranges')],
  ['no range of several satisfiable: 416', { range: 'bytes=200-,300-' }, unsatisfiable()],
  ['If-Range with the strong ETag: 206, a resume', { range: 'bytes=40-', ifRange: ETAG }, partial(40, 99, SIZE, true)],
  ['If-Range with another ETag: 200', { range: 'bytes=40-', ifRange: chunkEtag('0'.repeat(64)) }, full('if-range-mismatch')],
  ['If-Range with the weak form of our ETag: 200 (strong comparison)', { range: 'bytes=40-', ifRange: `W/${ETAG}` }, full('if-range-mismatch')],
  ['If-Range with the tag unquoted: 200', { range: 'bytes=40-', ifRange: ETAG.slice(1, -1) }, full('if-range-mismatch')],
  ['If-Range with two tags: 200', { range: 'bytes=40-', ifRange: `${ETAG}, ${ETAG}` }, full('if-range-mismatch')],
  ['If-Range with a date: 200 (no Last-Modified is ever sent)', { range: 'bytes=40-', ifRange: 'Wed, 02 Dec 2026 16:00:00 GMT' }, full('if-range-mismatch')],
  ['If-Range false beats an unsatisfiable Range: 200 (§13.2.2)', { range: 'bytes=500-', ifRange: '"other"' }, full('if-range-mismatch')],
  ['If-Range true and Range unsatisfiable: 416', { range: 'bytes=500-', ifRange: ETAG }, unsatisfiable()],
  ['If-Range without Range is ignored', { ifRange: '"other"' }, full('no-range')],
  ['empty representation, no Range: 200', { size: 0 }, full('no-range', 0)],
  ['empty representation, bytes=0-: 416', { size: 0, range: 'bytes=0-' }, unsatisfiable(0)],
  ['empty representation, bytes=0-0: 416', { size: 0, range: 'bytes=0-0' }, unsatisfiable(0)],
  ['empty representation, bytes=-0: 416', { size: 0, range: 'bytes=-0' }, unsatisfiable(0)],
  ['empty representation, bytes=-5: satisfiable but not writable as Content-Range, so 200', { size: 0, range: 'bytes=-5' }, full('empty-suffix', 0)],
  ['one-byte representation, bytes=-5: the whole', { size: 1, range: 'bytes=-5' }, partial(0, 0, 1)],
];

describe('decideRange (RFC 9110 §13.1.5, §14)', () => {
  it.each(cases)('%s', (_name, { size = SIZE, ...headers }, expected) => {
    expect(decideRange({ ...headers, size, etag: ETAG })).toEqual(expected);
  });

  it('refuses a size that is not a safe non-negative integer', () => {
    expect(() => decideRange({ range: 'bytes=0-', size: -1, etag: ETAG })).toThrow(TypeError);
    expect(() => decideRange({ range: 'bytes=0-', size: 1.5, etag: ETAG })).toThrow(TypeError);
  });
});

describe('validators and digests', () => {
  it('derives strong entity-tags (RFC 9110 §8.8.3) from the manifest hashes', () => {
    expect(chunkEtag(ABC_SHA256)).toBe(`"sha256-${ABC_SHA256}"`);
    expect(downloadEtag(ABC_SHA256)).toBe(`"merkle-sha256-${ABC_SHA256}"`);
    const entityTag = /^"[\x21\x23-\x7e]*"$/;
    expect(chunkEtag(ABC_SHA256)).toMatch(entityTag);
    expect(downloadEtag(ABC_SHA256)).toMatch(entityTag);
    expect(chunkEtag(ABC_SHA256)).not.toBe(downloadEtag(ABC_SHA256));
  });

  it('formats the RFC 9530 sha-256 field value as a structured byte sequence', () => {
    // base64 of SHA-256("abc"), e.g. `printf abc | openssl dgst -sha256 -binary | base64`.
    expect(sha256DigestField(ABC_SHA256)).toBe('sha-256=:ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=:');
  });

  it('refuses something that is not a lowercase hex SHA-256', () => {
    expect(() => chunkEtag('abc')).toThrow(TypeError);
    expect(() => downloadEtag(ABC_SHA256.toUpperCase())).toThrow(TypeError);
    expect(() => sha256DigestField(`${ABC_SHA256.slice(1)}"`)).toThrow(TypeError);
  });
});
