import { describe, expect, it } from 'vitest';
import { EdgeError } from '../http/errors.ts';
import { readGraphQLParams } from './http-params.ts';

const post = (body: string, headers: Record<string, string> = {}) =>
  new Request('https://edge.test/graphql', { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
const get = (qs: Record<string, string>) => new Request(`https://edge.test/graphql?${new URLSearchParams(qs)}`);
const HASH = 'ab'.repeat(32);

async function failure(req: Request): Promise<[number, string]> {
  try {
    await readGraphQLParams(req);
  } catch (err) {
    if (err instanceof EdgeError) return [err.status, err.code];
    throw err;
  }
  throw new Error('expected a failure');
}

describe('readGraphQLParams', () => {
  it('reads a POST body', async () => {
    const p = await readGraphQLParams(post(JSON.stringify({ query: '{ a }', variables: { x: 1 }, operationName: 'Q', extensions: { persistedQuery: { version: 1, sha256Hash: HASH.toUpperCase() } } })));
    expect(p).toEqual({ method: 'POST', query: '{ a }', variables: { x: 1 }, operationName: 'Q', apqHash: HASH, documentId: undefined });
  });

  it('reads the same members from a GET query string', async () => {
    const p = await readGraphQLParams(get({ documentId: `sha256:${HASH}`, variables: '{"id":"5"}', extensions: '{}' }));
    expect(p).toEqual({ method: 'GET', query: undefined, variables: { id: '5' }, operationName: undefined, apqHash: undefined, documentId: `sha256:${HASH}` });
  });

  it('null members are absent members', async () => {
    const p = await readGraphQLParams(post('{"query":"{ a }","variables":null,"operationName":null,"extensions":null}'));
    expect(p.variables).toBeNull();
    expect(p.operationName).toBeUndefined();
  });

  it.each([
    ['malformed JSON body', post('{"query": '), 400, 'BAD_JSON'],
    ['malformed GET variables', get({ query: '{ a }', variables: '{nope' }), 400, 'BAD_JSON'],
    ['malformed GET extensions', get({ documentId: `sha256:${HASH}`, extensions: '[' }), 400, 'BAD_JSON'],
    ['body is not an object', post('[1]'), 400, 'BAD_REQUEST'],
    ['query is not a string', post('{"query": 5}'), 400, 'BAD_REQUEST'],
    ['variables is an array', post('{"query":"{ a }","variables":[1]}'), 400, 'BAD_REQUEST'],
    ['bad documentId', post('{"documentId":"md5:abc"}'), 400, 'BAD_REQUEST'],
    ['bad APQ extension', post(`{"extensions":{"persistedQuery":{"version":2,"sha256Hash":"${HASH}"}}}`), 400, 'BAD_REQUEST'],
    ['nothing to run', post('{"variables":{}}'), 400, 'BAD_REQUEST'],
    ['content-length over 64 KiB', post('{}', { 'content-length': String(64 * 1024 + 1) }), 413, 'PAYLOAD_TOO_LARGE'],
    ['actual bytes over 64 KiB', post(JSON.stringify({ query: `{ a } # ${'x'.repeat(64 * 1024)}` })), 413, 'PAYLOAD_TOO_LARGE'],
  ] as const)('%s → %i %s', async (_n, req, status, code) => {
    expect(await failure(req)).toEqual([status, code]);
  });

  it('counts bytes actually read when the body streams without a length', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(16 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent++ < 5) c.enqueue(chunk);
        else c.close();
      },
    });
    const req = new Request('https://edge.test/graphql', { method: 'POST', body });
    expect(req.headers.get('content-length')).toBeNull();
    expect(await failure(req)).toEqual([413, 'PAYLOAD_TOO_LARGE']);
  });

  it('checks what was read even when the declared length was within the limit', async () => {
    const req = post(JSON.stringify({ query: `{ a } # ${'x'.repeat(64 * 1024)}` }), { 'content-length': '100' });
    expect(await failure(req)).toEqual([413, 'PAYLOAD_TOO_LARGE']);
  });
});
