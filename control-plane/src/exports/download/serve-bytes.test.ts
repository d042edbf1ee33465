import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '@conductor/sdk';
import { EXPORT_CONTENT_TYPE } from '@conductor/schema/contracts/exports';
import { onError } from '../../http/errors.ts';
import { chunkTreeRoot, describeChunk } from '../manifest/index.ts';
import { bytesResponse, chunkEtag, downloadEtag, sha256DigestField, type RangeDecision } from './index.ts';

// A chunk and a download as the routes will serve them: a chunk from a byte array with its
// manifest digest, the download as a stream over three chunks with the tree root as its validator.
const encoder = new TextEncoder();
const lines = Array.from({ length: 400 }, (_, i) => `{"id":"doc-${i}","summary":"sentence ${i} with ünïcödé ${'x'.repeat(i % 17)}"}\n`);
const chunkBytes = encoder.encode(lines.join(''));
const parts = [lines.slice(0, 150), lines.slice(150, 300), lines.slice(300)].map((part) => encoder.encode(part.join('')));
const downloadBytes = concat(parts);

function concat(arrays: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.byteLength, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.byteLength;
  }
  return out;
}

function streamOf(bytes: Uint8Array, piece = 97): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.byteLength) return controller.close();
      controller.enqueue(bytes.slice(at, at + piece));
      at += piece;
    },
  });
}

let chunkSha256 = '';
let merkleRoot = '';
const reads: [string, number, number][] = [];
const decisions: RangeDecision[] = [];
const app = new Hono();
app.onError(onError);
app.get('/chunk', (c) =>
  bytesResponse(c, {
    size: chunkBytes.byteLength,
    etag: chunkEtag(chunkSha256),
    reprDigest: sha256DigestField(chunkSha256),
    contentType: EXPORT_CONTENT_TYPE,
    read: (start, end) => {
      reads.push(['chunk', start, end]);
      return chunkBytes.slice(start, end + 1);
    },
    observe: (decision) => decisions.push(decision),
  }),
);
app.get('/download', (c) =>
  bytesResponse(c, {
    size: downloadBytes.byteLength,
    etag: downloadEtag(merkleRoot),
    contentType: EXPORT_CONTENT_TYPE,
    read: async (start, end) => {
      reads.push(['download', start, end]);
      return streamOf(downloadBytes.slice(start, end + 1));
    },
  }),
);
app.get('/empty', (c) =>
  bytesResponse(c, { size: 0, etag: chunkEtag('0'.repeat(64)), contentType: EXPORT_CONTENT_TYPE, read: () => new Uint8Array(0) }),
);
app.get('/short-reader', (c) =>
  bytesResponse(c, { size: 10, etag: chunkEtag('0'.repeat(64)), contentType: EXPORT_CONTENT_TYPE, read: () => new Uint8Array(9) }),
);

beforeAll(async () => {
  chunkSha256 = (await describeChunk(chunkBytes)).sha256;
  merkleRoot = await chunkTreeRoot(await Promise.all(parts.map(describeChunk)));
});

async function get(path: string, headers: Record<string, string> = {}, method = 'GET') {
  reads.length = 0;
  decisions.length = 0;
  const res = await app.request(path, { method, headers });
  return { res, bytes: new Uint8Array(await res.arrayBuffer()) };
}

describe('bytesResponse', () => {
  it('serves a whole chunk with its validator, length and both digests', async () => {
    const { res, bytes } = await get('/chunk');
    expect(res.status).toBe(200);
    expect(bytes).toEqual(chunkBytes);
    expect(res.headers.get('Accept-Ranges')).toBe('bytes');
    expect(res.headers.get('ETag')).toBe(`"sha256-${chunkSha256}"`);
    expect(res.headers.get('Content-Length')).toBe(String(chunkBytes.byteLength));
    expect(res.headers.get('Content-Type')).toBe('application/jsonl');
    expect(res.headers.get('Content-Range')).toBeNull();
    expect(res.headers.get('Cache-Control')).toBe('private, no-transform');
    // On a 200 the content is the representation: both digests are the SHA-256 of these bytes.
    const digest = `sha-256=:${createHash('sha256').update(bytes).digest('base64')}:`;
    expect(res.headers.get('Repr-Digest')).toBe(digest);
    expect(res.headers.get('Content-Digest')).toBe(digest);
  });

  it('resumes a chunk: the first 40 %, then the rest under If-Range, byte-identical', async () => {
    const cut = Math.floor(chunkBytes.byteLength * 0.4);
    const first = await get('/chunk', { Range: `bytes=0-${cut - 1}` });
    expect(first.res.status).toBe(206);
    expect(first.res.headers.get('Content-Range')).toBe(`bytes 0-${cut - 1}/${chunkBytes.byteLength}`);
    expect(first.res.headers.get('Content-Length')).toBe(String(cut));
    expect(first.bytes.byteLength).toBe(cut);
    const etag = first.res.headers.get('ETag')!;

    const rest = await get('/chunk', { Range: `bytes=${cut}-`, 'If-Range': etag });
    expect(rest.res.status).toBe(206);
    expect(rest.res.headers.get('Content-Range')).toBe(`bytes ${cut}-${chunkBytes.byteLength - 1}/${chunkBytes.byteLength}`);
    expect(decisions).toEqual([expect.objectContaining({ status: 206, conditional: true })]);

    const stitched = concat([first.bytes, rest.bytes]);
    expect(stitched).toEqual(chunkBytes);
    // Repr-Digest describes the whole chunk on every part, so the stitched file is checkable with
    // it; Content-Digest would describe only the part, and is not sent (RFC 9530 §2, §3).
    for (const part of [first, rest]) {
      expect(part.res.headers.get('Repr-Digest')).toBe(`sha-256=:${createHash('sha256').update(stitched).digest('base64')}:`);
      expect(part.res.headers.get('Content-Digest')).toBeNull();
    }
  });

  it('resumes the streamed download the same way, validated by the tree root', async () => {
    const cut = Math.floor(downloadBytes.byteLength * 0.4);
    const first = await get('/download', { Range: `bytes=0-${cut - 1}` });
    expect(first.res.status).toBe(206);
    expect(first.res.headers.get('ETag')).toBe(`"merkle-sha256-${merkleRoot}"`);
    const rest = await get('/download', { Range: `bytes=${cut}-`, 'If-Range': first.res.headers.get('ETag')! });
    expect(rest.res.status).toBe(206);
    expect(reads).toEqual([['download', cut, downloadBytes.byteLength - 1]]);
    expect(concat([first.bytes, rest.bytes])).toEqual(downloadBytes);
    expect(rest.res.headers.get('Repr-Digest')).toBeNull();
    expect(rest.res.headers.get('Content-Digest')).toBeNull();
  });

  it('sends the whole representation when If-Range names another version', async () => {
    const { res, bytes } = await get('/download', { Range: 'bytes=100-', 'If-Range': `"merkle-sha256-${'0'.repeat(64)}"` });
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Range')).toBeNull();
    expect(bytes).toEqual(downloadBytes);
  });

  it('answers an unsatisfiable range with 416, Content-Range bytes */size and the error envelope', async () => {
    const { res, bytes } = await get('/chunk', { Range: `bytes=${chunkBytes.byteLength}-` });
    expect(res.status).toBe(416);
    expect(res.headers.get('Content-Range')).toBe(`bytes */${chunkBytes.byteLength}`);
    expect(res.headers.get('Content-Type')).toMatch(/^application\/json/);
    expect(JSON.parse(new TextDecoder().decode(bytes))).toEqual({
      error: { code: ErrorCode.RANGE_NOT_SATISFIABLE, message: `range not satisfiable: the representation has ${chunkBytes.byteLength} bytes`, requestId: '' },
    });
    expect(reads).toEqual([]);
  });

  it('answers HEAD with the headers a GET would get and reads nothing', async () => {
    const whole = await get('/chunk', {}, 'HEAD');
    expect(whole.res.status).toBe(200);
    expect(whole.res.headers.get('Content-Length')).toBe(String(chunkBytes.byteLength));
    expect(whole.res.headers.get('ETag')).toBe(`"sha256-${chunkSha256}"`);
    expect(whole.res.headers.get('Repr-Digest')).toBe(sha256DigestField(chunkSha256));
    expect(whole.res.headers.get('Content-Digest')).toBeNull();
    expect(whole.bytes.byteLength).toBe(0);

    const part = await get('/chunk', { Range: 'bytes=-10' }, 'HEAD');
    expect(part.res.status).toBe(206);
    expect(part.res.headers.get('Content-Range')).toBe(`bytes ${chunkBytes.byteLength - 10}-${chunkBytes.byteLength - 1}/${chunkBytes.byteLength}`);
    expect(part.res.headers.get('Content-Length')).toBe('10');
    expect(reads).toEqual([]);

    const refused = await get('/chunk', { Range: 'bytes=-0' }, 'HEAD');
    expect(refused.res.status).toBe(416);
    expect(refused.res.headers.get('Content-Range')).toBe(`bytes */${chunkBytes.byteLength}`);
  });

  it('serves an empty representation whole, and refuses a range of it', async () => {
    const whole = await get('/empty');
    expect(whole.res.status).toBe(200);
    expect(whole.res.headers.get('Content-Length')).toBe('0');
    expect(whole.bytes.byteLength).toBe(0);
    const ranged = await get('/empty', { Range: 'bytes=0-' });
    expect(ranged.res.status).toBe(416);
    expect(ranged.res.headers.get('Content-Range')).toBe('bytes */0');
  });

  it('refuses to send a reader result of the wrong length under a Content-Length it contradicts', async () => {
    const { res, bytes } = await get('/short-reader');
    expect(res.status).toBe(500);
    expect(JSON.parse(new TextDecoder().decode(bytes)).error.code).toBe(ErrorCode.INTERNAL);
  });
});
