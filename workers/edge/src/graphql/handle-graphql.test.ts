import { SignJWT, UnsecuredJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { JWT_AUDIENCE, JWT_ISSUER } from '@conductor/schema/contracts/auth';
import type { EdgeConfig } from '@conductor/schema/contracts/edge-config';
import { sha256Hex } from '@conductor/sdk';
import { demoConfig, opByName, signer, testContext, type Signer, type TestContext } from '../../test/fixtures.ts';
import { cacheKey, cacheUrl, canonicalVariables, generationDigest } from '../cache/keyer.ts';
import { readTags } from '../cache/tags.ts';
import { indexConfig, type ConfigIndex } from '../config/config-index.ts';
import { toErrorResponse } from '../http/errors.ts';
import { handleGraphQL } from './handle-graphql.ts';

let config: EdgeConfig;
let index: ConfigIndex;
let keys: Signer;
let cx: TestContext;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  const demo = await demoConfig();
  // A third, non-strict tenant to show APQ registrations stay within their tenant.
  config = { ...demo, tenants: [...demo.tenants, { id: 'initech', strictSafelist: false }] };
  index = indexConfig(config);
  keys = await signer();
  cx = await testContext(index, keys.keys);
  for (const t of ['acme', 'globex', 'initech', 'umbrella']) tokens[t] = await keys.token({ tenant: t });
});

async function call(req: Request): Promise<Response> {
  try {
    return await handleGraphQL(req, cx, undefined, { originMs: null });
  } catch (err) {
    return toErrorResponse(err);
  }
}

function post(body: unknown, token: string | null = tokens.acme!): Request {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  return new Request('https://edge.test/graphql', { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

function get(qs: Record<string, string>, token = tokens.acme!): Request {
  return new Request(`https://edge.test/graphql?${new URLSearchParams(qs)}`, { headers: { authorization: `Bearer ${token}` } });
}

async function expectError(res: Response, status: number, code: string): Promise<void> {
  expect(res.status).toBe(status);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  expect(body.error.message).toBeTypeOf('string');
}

const QUERY = { query: '{ entities(limit: 1) { id } }' };

describe('authentication', () => {
  it('missing token → 401 UNAUTHENTICATED', async () => {
    await expectError(await call(post(QUERY, null)), 401, 'UNAUTHENTICATED');
  });

  it('token signed by another key → 401 UNAUTHENTICATED', async () => {
    const other = await signer('test-key');
    await expectError(await call(post(QUERY, await other.token({ tenant: 'acme' }))), 401, 'UNAUTHENTICATED');
  });

  it('alg:none → 401 UNAUTHENTICATED', async () => {
    const none = new UnsecuredJWT({ tenant: 'acme' }).setSubject('u').setIssuer(JWT_ISSUER).setAudience(JWT_AUDIENCE).setExpirationTime('1h').encode();
    await expectError(await call(post(QUERY, none)), 401, 'UNAUTHENTICATED');
  });

  it('wrong issuer → 401 UNAUTHENTICATED', async () => {
    const { importJWK } = await import('jose');
    const key = await importJWK(keys.privateJwk, 'EdDSA');
    const jwt = await new SignJWT({ tenant: 'acme' })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'test-key' })
      .setSubject('u')
      .setIssuer('someone-else')
      .setAudience(JWT_AUDIENCE)
      .setExpirationTime('1h')
      .sign(key);
    await expectError(await call(post(QUERY, jwt)), 401, 'UNAUTHENTICATED');
  });

  it('expired → 401 TOKEN_EXPIRED', async () => {
    await expectError(await call(post(QUERY, await keys.token({ tenant: 'acme', ttl: -60 }))), 401, 'TOKEN_EXPIRED');
  });

  it('tenant absent from the config → 403 UNKNOWN_TENANT', async () => {
    await expectError(await call(post(QUERY, tokens.umbrella!)), 403, 'UNKNOWN_TENANT');
  });
});

describe('bad input', () => {
  it('malformed JSON → 400 BAD_JSON', async () => {
    await expectError(await call(post('{"query":')), 400, 'BAD_JSON');
  });

  it('body over 64 KiB → 413 PAYLOAD_TOO_LARGE', async () => {
    await expectError(await call(post({ query: `{ a } # ${'x'.repeat(70_000)}` })), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('canonical variables over 16 KiB → 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await call(post({ ...QUERY, variables: { blob: 'y'.repeat(17_000) } }));
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: { code: 'PAYLOAD_TOO_LARGE', message: 'variables too large' } });
  });

  it('GraphQL syntax error → 400 GRAPHQL_PARSE_FAILED', async () => {
    await expectError(await call(post({ query: '{ entities(limit: ' })), 400, 'GRAPHQL_PARSE_FAILED');
  });

  it('unknown documentId → 400 PERSISTED_QUERY_NOT_FOUND', async () => {
    await expectError(await call(post({ documentId: `sha256:${'0'.repeat(64)}` })), 400, 'PERSISTED_QUERY_NOT_FOUND');
  });

  it('safelisted mutation over GET → 405 with allow: POST', async () => {
    const res = await call(get({ documentId: opByName(config, 'UpdateEntity').id, variables: '{"id":"1","name":"x"}' }));
    expect(res.headers.get('allow')).toBe('POST');
    await expectError(res, 405, 'METHOD_NOT_ALLOWED');
  });

  it('ad-hoc mutation over GET → 405', async () => {
    await expectError(await call(get({ query: 'mutation { updateEntity(id: "1", name: "x") { id } }' })), 405, 'METHOD_NOT_ALLOWED');
  });

  it('other methods → 405', async () => {
    const res = await call(new Request('https://edge.test/graphql', { method: 'PUT', body: '{}' }));
    expect(res.headers.get('allow')).toBe('GET, POST');
    await expectError(res, 405, 'METHOD_NOT_ALLOWED');
  });

  it('operationName naming another operation than the persisted one → 400', async () => {
    await expectError(await call(post({ documentId: opByName(config, 'EntityById').id, operationName: 'Entities' })), 400, 'BAD_REQUEST');
  });

  it('subscriptions → 400', async () => {
    await expectError(await call(post({ query: 'subscription { ticks }' })), 400, 'BAD_REQUEST');
  });
});

describe('persisted queries', () => {
  const adhoc = '{ entities(limit: 2) { id name } }';

  it('APQ hash alone, unknown → 200 PersistedQueryNotFound (Apollo retries with the query)', async () => {
    const res = await call(post({ extensions: { persistedQuery: { version: 1, sha256Hash: await sha256Hex(adhoc) } } }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ errors: [{ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }] });
  });

  it('APQ hash that does not match the query → 400 PERSISTED_QUERY_HASH_MISMATCH', async () => {
    await expectError(await call(post({ query: adhoc, extensions: { persistedQuery: { version: 1, sha256Hash: '1'.repeat(64) } } })), 400, 'PERSISTED_QUERY_HASH_MISMATCH');
  });

  it('query + hash registers the document for that tenant only', async () => {
    const doc = '{ entities(limit: 3) { id kind } }';
    const hashOnly = async () => ({ extensions: { persistedQuery: { version: 1, sha256Hash: await sha256Hex(doc) } } });
    // The origin is unreachable in these tests: reaching it (502) proves the document resolved.
    await expectError(await call(post({ query: doc, ...(await hashOnly()) })), 502, 'ORIGIN_UNAVAILABLE');
    await Promise.all(cx.pending);
    await expectError(await call(post(await hashOnly())), 502, 'ORIGIN_UNAVAILABLE');
    const other = await call(post(await hashOnly(), tokens.initech!));
    expect(await other.json()).toMatchObject({ errors: [{ extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }] });
  });

  it('a syntactically broken APQ registration is refused and not registered', async () => {
    const doc = '{ broken(';
    const ext = { extensions: { persistedQuery: { version: 1, sha256Hash: await sha256Hex(doc) } } };
    await expectError(await call(post({ query: doc, ...ext })), 400, 'GRAPHQL_PARSE_FAILED');
    expect(await (await call(post(ext))).json()).toMatchObject({ errors: [{ message: 'PersistedQueryNotFound' }] });
  });
});

describe('safelist', () => {
  it('strict tenant, unsafelisted query → 403 PERSISTED_QUERY_NOT_IN_LIST', async () => {
    await expectError(await call(post(QUERY, tokens.globex!)), 403, 'PERSISTED_QUERY_NOT_IN_LIST');
  });

  it('strict tenant, full text of a safelisted document counts as that operation', async () => {
    const op = opByName(config, 'EntityById');
    await expectError(await call(post({ query: op.document, variables: { id: '1' } }, tokens.globex!)), 502, 'ORIGIN_UNAVAILABLE');
  });

  it('origin unreachable → 502 ORIGIN_UNAVAILABLE', async () => {
    await expectError(await call(post(QUERY)), 502, 'ORIGIN_UNAVAILABLE');
  });
});

describe('cache reads', () => {
  async function entryUrl(tenant: string, variables: Record<string, unknown>) {
    const op = opByName(config, 'EntityById');
    const vars = (await canonicalVariables(variables))!;
    const tags = readTags(op.id, vars.varsHash, variables, index.selectorKeySets.get(op.id) ?? []);
    const key = cacheKey({ tenant, region: 'test', opId: op.id, varsHash: vars.varsHash });
    return { op, tags, key };
  }

  it('serves a stored entry as HIT with age; variable order does not matter', async () => {
    const { op, tags, key } = await entryUrl('acme', { id: '42', x: 1 });
    const url = cacheUrl(key, await generationDigest(await cx.generations.read('acme', tags), tags));
    const body = '{"data":{"entity":{"id":"42","name":"cached"}}}';
    await cx.responses.store(url, { body, contentType: 'application/json', originCacheControl: 'max-age=5', bytes: body.length }, 60, 60, Date.now() - 3_000).written;
    const res = await call(post({ documentId: op.id, variables: { x: 1, id: '42' } }));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-cache')).toBe('HIT');
    expect(Number(res.headers.get('age'))).toBeGreaterThanOrEqual(3);
    expect(res.headers.get('cache-control')).toBe('max-age=5');
    expect(await res.text()).toBe(body);
    // Another tenant computes another key: never this body.
    await expectError(await call(post({ documentId: op.id, variables: { x: 1, id: '42' } }, tokens.initech!)), 502, 'ORIGIN_UNAVAILABLE');
  });

  it('a fill that began before a purge is not served after it', async () => {
    const { op, tags, key } = await entryUrl('acme', { id: '43' });
    // The fill computed its URL from the generations before the purge...
    const before = cacheUrl(key, await generationDigest(await cx.generations.read('acme', tags), tags));
    await cx.generations.bump('acme', `test-purge-${crypto.randomUUID()}`, [`op:${op.id}|id="43"`]);
    // ...and lands after it.
    await cx.responses.store(before, { body: '{"data":{"stale":true}}', contentType: 'application/json', originCacheControl: null, bytes: 23 }, 60, 60, Date.now()).written;
    await expectError(await call(post({ documentId: op.id, variables: { id: '43' } })), 502, 'ORIGIN_UNAVAILABLE');
  });
});
