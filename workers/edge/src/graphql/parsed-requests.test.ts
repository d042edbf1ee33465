import { describe, expect, it } from 'vitest';
import { EdgeError } from '../http/errors.ts';
import { PARSED_MAX_BYTES, PARSED_MAX_ENTRIES, ParsedRequests, parseRequest } from './parsed-requests.ts';

const post = (body: string) => new Request('https://edge.test/graphql', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
const get = (search: string) => new Request(`https://edge.test/graphql${search}`);
const DOC = `sha256:${'ab'.repeat(32)}`;

describe('parseRequest with the ParsedRequests memo', () => {
  it('the same bytes answer the same parse, frozen, without parsing again', async () => {
    const memo = new ParsedRequests();
    const body = JSON.stringify({ documentId: DOC, variables: { id: '1', nested: { b: 2, a: 1 } } });
    const first = await parseRequest(post(body), 'POST', memo);
    expect(first.params).toMatchObject({ method: 'POST', documentId: DOC, variables: { id: '1', nested: { b: 2, a: 1 } } });
    expect(first.vars.canonical).toBe('{"id":"1","nested":{"a":1,"b":2}}');
    expect(await parseRequest(post(body), 'POST', memo)).toBe(first);
    // Shared between requests, so nothing may change it.
    expect(() => Object.assign(first.params.variables!, { id: '2' })).toThrow(TypeError);
    expect(() => Object.assign(first.params.variables!.nested as object, { a: 5 })).toThrow(TypeError);
  });

  it('GET query strings and POST bodies are remembered apart', async () => {
    const memo = new ParsedRequests();
    const search = `?documentId=${DOC}`;
    expect((await parseRequest(get(search), 'GET', memo)).params.method).toBe('GET');
    // The same text as a POST body is not JSON: it must be refused, not answered from the GET entry.
    await expect(parseRequest(post(search), 'POST', memo)).rejects.toMatchObject({ status: 400, code: 'BAD_JSON' });
    expect(memo.get('POST', search)).toBeUndefined();
  });

  it('remembers only what parsed, short bodies only, at most PARSED_MAX_ENTRIES, oldest first out', async () => {
    const memo = new ParsedRequests();
    // JSON.parse reads 1e400 as Infinity, which has no canonical form: a 400 every time.
    const bad = `{"documentId":"${DOC}","variables":{"n":1e400}}`;
    await expect(parseRequest(post('{"documentId":"sha256:x"}'), 'POST', memo)).rejects.toBeInstanceOf(EdgeError);
    await expect(parseRequest(post(bad), 'POST', memo)).rejects.toMatchObject({ status: 400 });
    await expect(parseRequest(post(bad), 'POST', memo)).rejects.toMatchObject({ status: 400 });
    expect(memo.get('POST', '{"documentId":"sha256:x"}')).toBeUndefined();
    expect(memo.get('POST', bad)).toBeUndefined();
    const long = JSON.stringify({ documentId: DOC, variables: { s: 'x'.repeat(PARSED_MAX_BYTES) } });
    await parseRequest(post(long), 'POST', memo);
    expect(memo.get('POST', long)).toBeUndefined();
    const bodies = Array.from({ length: PARSED_MAX_ENTRIES + 1 }, (_, i) => JSON.stringify({ documentId: DOC, variables: { id: String(i) } }));
    for (const b of bodies) await parseRequest(post(b), 'POST', memo);
    expect(memo.get('POST', bodies[0]!)).toBeUndefined();
    expect(memo.get('POST', bodies[1]!)).toBeDefined();
    expect(memo.get('POST', bodies[PARSED_MAX_ENTRIES]!)).toBeDefined();
  });
});
