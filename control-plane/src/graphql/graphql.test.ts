import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { buildSchema, getDirectiveValues, isObjectType } from 'graphql';
import { serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeEvents } from '@conductor/schema/cache';
import { catalogOps } from '@conductor/schema/catalog';
import { auditTrail } from '../cache/testing.ts';
import { seedDemo } from '../seed/demo.ts';
import { PLATFORM_ADMIN, startTestApp, tenantAdmin, tenantReader, type TestApp } from '../testing/app.ts';
import { AUTH_DIRECTIVE_SDL, applyAuthDirective } from './auth-directive.ts';
import { MAX_DEPTH, MAX_TOKENS } from './limits.ts';
import { adminSchema, SDL } from './schema.ts';

interface GqlReply {
  status: number;
  data?: Record<string, any> | null;
  errors?: { message: string; extensions: { code: string } }[];
}

let t: TestApp;
let platform: string;
let acme: string;
let reader: string;

beforeAll(async () => {
  // An edge that is down (a port that was just free): purges that pass authorization reach forwardPurge and fail there.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  t = await startTestApp({ edgeUrl: `http://127.0.0.1:${port}` });
  await seedDemo(t.db);
  platform = await t.token(PLATFORM_ADMIN);
  acme = await t.token(tenantAdmin('acme'));
  reader = await t.token(tenantReader('acme'));
});
afterAll(() => t.close());

// What Apollo Client and other current clients send: the GraphQL media type first (request errors are 400), JSON as a fallback.
const ACCEPT = { accept: 'application/graphql-response+json, application/json;q=0.9' };

async function gql(token: string | null, query: string, variables?: Record<string, unknown>, headers: Record<string, string> = ACCEPT): Promise<GqlReply> {
  const res = await t.call('POST', '/graphql', { token: token ?? undefined, body: { query, variables }, headers });
  return { status: res.status, ...((await res.json()) as object) };
}

const codes = (r: GqlReply) => (r.errors ?? []).map((e) => e.extensions.code);

const OP_INPUT = {
  id: 'gql-op',
  name: 'GraphQL op',
  service: 'entity-api',
  p95TargetMs: 100,
  p99TargetMs: 200,
  unitCostUSD: '0.000125',
  sloObjective: '99.95%',
  sloWindowDays: 28,
  serviceTimeMeanMs: 20,
  serviceTimeScv: 1,
  arrivalRatePerSecond: 5,
};
const UPSERT = 'mutation($op: ServiceOpInput!) { upsertServiceOp(op: $op) }';

describe('@auth directive', () => {
  it('is declared in the SDL and guards every root field, read from the schema AST', () => {
    const directive = adminSchema.getDirective('auth')!;
    expect(directive.args.map((a) => a.name)).toEqual(['abac', 'resource']);
    for (const root of [adminSchema.getQueryType()!, adminSchema.getMutationType()!]) {
      for (const field of Object.values(root.getFields())) {
        expect(getDirectiveValues(directive, field.astNode!), `${root.name}.${field.name}`).toMatchObject({ abac: 'admin.write' });
      }
    }
    expect(SDL).toContain('upsertServiceOp(op: ServiceOpInput!): Boolean @auth(abac: "admin.write")');
  });

  it('refuses to build a schema with an unknown abac capability', () => {
    const schema = buildSchema(`${AUTH_DIRECTIVE_SDL}\ntype Query { x: Int @auth(abac: "admin.everything") }`);
    expect(() => applyAuthDirective(schema)).toThrow(/Query\.x: @auth\(abac: "admin\.everything"\)/);
  });

  it('wraps only the fields that carry it', () => {
    const schema = buildSchema(`${AUTH_DIRECTIVE_SDL}\ntype Query { open: Int guarded: Int @auth(abac: "admin.read") }`);
    expect(applyAuthDirective(schema)).toEqual(['Query.guarded']);
    const query = schema.getQueryType()!;
    expect(isObjectType(query) && query.getFields().open!.resolve).toBeUndefined();
  });
});

describe('POST /graphql: transport', () => {
  it('answers 401 UNAUTHENTICATED, GraphQL-style, without a valid token', async () => {
    expect(await gql(null, '{ serviceOps { id } }')).toMatchObject({ status: 401, errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
    expect(codes(await gql('not-a-jwt', '{ serviceOps { id } }'))).toEqual(['UNAUTHENTICATED']);
  });

  it('answers 400 with GraphQL-style errors for a malformed body, a missing query and a bad document', async () => {
    const malformed = await t.call('POST', '/graphql', { token: acme, body: '{"query": ', headers: ACCEPT });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toEqual({ errors: [{ message: 'Unparsable JSON body', extensions: { code: 'BAD_JSON', requestId: expect.any(String) } }] });
    const missing = await t.call('POST', '/graphql', { token: acme, body: { variables: {} }, headers: ACCEPT });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as GqlReply).errors).toMatchObject([{ message: 'Missing query', extensions: { code: 'BAD_REQUEST' } }]);
    expect(await gql(acme, '{ serviceOps { id }')).toMatchObject({ status: 400, errors: [{ extensions: { code: 'GRAPHQL_PARSE_FAILED' } }] });
    expect(await gql(acme, '{ serviceOps { nope } }')).toMatchObject({ status: 400, errors: [{ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }] });
    // Variables that do not coerce fail before execution: a request error too.
    const uncoerced = await gql(acme, UPSERT, { op: { id: 'x' } });
    expect(uncoerced.status).toBe(400);
    expect(new Set(codes(uncoerced))).toEqual(new Set(['BAD_USER_INPUT']));
  });

  it('refuses a depth bomb before running any resolver', async () => {
    let selection = 'id';
    for (let i = 0; i < 20; i++) selection = `service { ops { ${selection} } }`;
    const bomb = await gql(acme, `{ serviceOps { ${selection} } }`);
    expect(bomb.status).toBe(400);
    expect(bomb.errors).toMatchObject([{ message: expect.stringContaining(`deeper than the limit of ${MAX_DEPTH}`), extensions: { code: 'QUERY_TOO_DEEP' } }]);
    // Recursive introspection types are bounded the same way.
    const introspectionBomb = `{ __schema { types { ${'ofType { '.repeat(30)}name${' }'.repeat(30)} } } }`;
    expect(codes(await gql(acme, introspectionBomb))).toEqual(['QUERY_TOO_DEEP']);
  });

  it('refuses a query whose lists multiply past the cost limit, and allows a modest one', async () => {
    const costly = await gql(acme, '{ services { ops { service { ops { service { ops { id } } } } } } }');
    expect(costly.status).toBe(400);
    expect(costly.errors).toMatchObject([{ message: expect.stringMatching(/costs \d+, over the limit/), extensions: { code: 'QUERY_TOO_COSTLY' } }]);
    expect((await gql(acme, '{ services { name ops { id } } }')).status).toBe(200);
  });

  it('answers the standard introspection query (GraphiQL) within the limits', async () => {
    const { getIntrospectionQuery } = await import('graphql');
    const reply = await gql(acme, getIntrospectionQuery());
    expect(reply.status, JSON.stringify(reply.errors)).toBe(200);
    expect(reply.data?.__schema.directives.map((d: { name: string }) => d.name)).toContain('auth');
  });
  it('answers request errors to an application/json-only client with 200 and only `errors` (the legacy media type)', async () => {
    const json = { accept: 'application/json' };
    for (const [query, code] of [
      ['{ serviceOps { id }', 'GRAPHQL_PARSE_FAILED'],
      ['{ serviceOps { nope } }', 'GRAPHQL_VALIDATION_FAILED'],
      ['{ services { ops { service { ops { service { ops { id } } } } } } }', 'QUERY_TOO_COSTLY'],
    ] as const) {
      const reply = await gql(acme, query, undefined, json);
      expect(reply, query).toMatchObject({ status: 200, errors: [{ extensions: { code } }] });
      expect(reply, query).not.toHaveProperty('data');
    }
    const uncoerced = await gql(acme, UPSERT, { op: { id: 'x' } }, json);
    expect(uncoerced.status).toBe(200);
    expect(new Set(codes(uncoerced))).toEqual(new Set(['BAD_USER_INPUT']));
  });

  it('stops a document over the token limit in the parser', async () => {
    const reply = await gql(acme, `{ ${'serviceOps { id } '.repeat(MAX_TOKENS / 4)} }`);
    expect(reply).toMatchObject({ status: 400, errors: [{ message: expect.stringContaining(`${MAX_TOKENS} tokens`), extensions: { code: 'GRAPHQL_PARSE_FAILED' } }] });
  });

  it('serves queries over GET, refuses mutations over GET and other methods, and bodies that are not JSON', async () => {
    const get = async (query: string) => {
      const res = await t.call('GET', `/graphql?query=${encodeURIComponent(query)}`, { token: acme, headers: ACCEPT });
      return { status: res.status, allow: res.headers.get('allow'), ...((await res.json()) as object) } as GqlReply & { allow: string | null };
    };
    expect(await get('{ services { name } }')).toMatchObject({ status: 200, data: { services: expect.arrayContaining([expect.objectContaining({ name: 'entity-api' })]) } });
    expect(await get(UPSERT)).toMatchObject({ status: 405, allow: 'POST', errors: [{ message: expect.stringContaining('mutations') }] });
    const put = await t.call('PUT', '/graphql', { token: acme, body: { query: '{ services { name } }' } });
    expect(put.status).toBe(405);
    expect(await put.json()).toEqual({ errors: [{ message: expect.any(String), extensions: { code: 'METHOD_NOT_ALLOWED' } }] });
    const text = await t.call('POST', '/graphql', { token: acme, body: '{ services { name } }', headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(415);
    expect(await text.json()).toEqual({ errors: [{ message: 'send the request as application/json', extensions: { code: 'BAD_REQUEST' } }] });
    const xml = await t.call('POST', '/graphql', { token: acme, body: { query: '{ services { name } }' }, headers: { accept: 'application/xml' } });
    expect(xml.status).toBe(406);
    expect(await xml.json()).toMatchObject({ errors: [{ extensions: { code: 'BAD_REQUEST' } }] });
  });
});

// The GraphQL-over-HTTP conformance suite of graphql-http, every audit (MUST, SHOULD and MAY) as a
// case of its own, against the real app with a valid token (the audits themselves send none).
describe('GraphQL over HTTP: graphql-http serverAudits', () => {
  const audits = serverAudits({
    url: 'http://control-plane.test/graphql',
    fetchFn: (input: string, init: RequestInit = {}) => {
      const headers = new Headers(init.headers);
      headers.set('authorization', `Bearer ${reader}`);
      return t.app.request(input, { ...init, headers });
    },
  });

  for (const audit of audits) {
    it(`${audit.id} ${audit.name}`, async () => {
      const result = await audit.fn();
      expect(result.status, 'reason' in result ? result.reason : undefined).toBe('ok');
    });
  }
});

describe('Query.serviceOps', () => {
  it('lists the catalog with the exact unit cost beside the display Float', async () => {
    const reply = await gql(acme, '{ serviceOps { id name p95TargetMs unitCostUSD unitCostMicros sloObjective safelistedOperation service { name owner } } }');
    expect(reply).toMatchObject({ status: 200 });
    expect(reply.errors).toBeUndefined();
    const op = reply.data!.serviceOps.find((o: { id: string }) => o.id === 'entity-by-id');
    expect(op).toEqual({
      id: 'entity-by-id',
      name: 'Entity by id',
      p95TargetMs: 120,
      unitCostUSD: 0.000012,
      unitCostMicros: '12',
      sloObjective: '99.9%',
      safelistedOperation: 'EntityById',
      service: { name: 'entity-api', owner: 'team-graph' },
    });
  });

  it('is FORBIDDEN without admin.write', async () => {
    const reply = await gql(reader, '{ serviceOps { id } }');
    expect(reply.status).toBe(200);
    expect(reply.data).toBeNull();
    expect(reply.errors).toMatchObject([{ message: expect.stringContaining('admin.write'), extensions: { code: 'FORBIDDEN' } }]);
  });
});

describe('Mutation.upsertServiceOp', () => {
  it('is FORBIDDEN for a tenant admin (catalog writes are platform writes) and writes nothing', async () => {
    const before = await auditTrail(t.db);
    const reply = await gql(acme, UPSERT, { op: OP_INPUT });
    expect(reply.data).toEqual({ upsertServiceOp: null });
    expect(reply.errors).toMatchObject([{ message: expect.stringContaining('platform-admin'), extensions: { code: 'FORBIDDEN' } }]);
    expect(await t.db.select().from(catalogOps).where(eq(catalogOps.id, 'gql-op'))).toEqual([]);
    expect(await auditTrail(t.db)).toEqual(before);
  });

  it('stores a decimal USD amount exactly, audited, for a platform admin', async () => {
    const reply = await gql(platform, UPSERT, { op: OP_INPUT });
    expect(reply).toEqual({ status: 200, data: { upsertServiceOp: true } });
    const [row] = await t.db.select().from(catalogOps).where(eq(catalogOps.id, 'gql-op'));
    expect(row).toMatchObject({ unitCostMicros: 125n, sloObjectivePpm: 999500 });
    expect((await auditTrail(t.db)).at(-1)).toMatchObject({ actor: 'user:root', action: 'catalog.op.put', target: 'catalog-op:gql-op' });
    // Exact micros (beyond 2^53) go through unchanged.
    expect((await gql(platform, UPSERT, { op: { ...OP_INPUT, unitCostUSD: undefined, unitCostMicros: '9007199254740993' } })).data).toEqual({ upsertServiceOp: true });
    const listed = await gql(platform, '{ serviceOps { id unitCostMicros } }');
    expect(listed.data!.serviceOps).toContainEqual({ id: 'gql-op', unitCostMicros: '9007199254740993' });
  });

  it('rejects invalid input with BAD_USER_INPUT and unknown references with their codes', async () => {
    const bad = async (op: Record<string, unknown>) => codes(await gql(platform, UPSERT, { op: { ...OP_INPUT, id: 'gql-bad', ...op } }));
    expect(await bad({ unitCostUSD: '0.0000001' })).toEqual(['BAD_USER_INPUT']);
    expect(await bad({ unitCostMicros: '5' })).toEqual(['BAD_USER_INPUT']);
    expect(await bad({ unitCostUSD: '1e-6' })).toEqual(['BAD_USER_INPUT']);
    expect(await bad({ sloObjective: '101%' })).toEqual(['BAD_USER_INPUT']);
    expect(await bad({ id: 'Not An Id' })).toEqual(['BAD_USER_INPUT']);
    expect(await bad({ service: 'no-such-service' })).toEqual(['UNKNOWN_SERVICE']);
    expect(await bad({ safelistedOperation: 'NotSafelisted' })).toEqual(['UNKNOWN_OPERATION']);
    expect(await t.db.select().from(catalogOps).where(eq(catalogOps.id, 'gql-bad'))).toEqual([]);
  });
});

describe('Mutation.purgeCache', () => {
  const PURGE = 'mutation($opId: String!, $varsHash: String!, $tenant: String) { purgeCache(opId: $opId, varsHash: $varsHash, tenant: $tenant) }';
  const vars = { opId: `sha256:${'a'.repeat(64)}`, varsHash: 'b'.repeat(64) };

  it("denies another tenant's cache and a caller without admin.write, sending nothing", async () => {
    const before = await t.db.select().from(purgeEvents);
    expect(codes(await gql(acme, PURGE, { ...vars, tenant: 'globex' }))).toEqual(['FORBIDDEN']);
    expect(codes(await gql(reader, PURGE, vars))).toEqual(['FORBIDDEN']);
    expect(await t.db.select().from(purgeEvents)).toEqual(before);
  });

  it('purges the caller’s own tenant through the purge service (here: the edge is down, recorded as failed)', async () => {
    const reply = await gql(acme, PURGE, vars);
    expect(reply.data).toEqual({ purgeCache: null });
    expect(codes(reply)).toEqual(['EDGE_UNAVAILABLE']);
    const events = await t.db.select().from(purgeEvents).where(eq(purgeEvents.tenantId, 'acme'));
    expect(events.at(-1)).toMatchObject({ status: 'failed', actor: 'user:admin@acme', request: { tenant: 'acme', ...vars } });
  });

  it('lets a multi-tenant admin name another of their tenants, and validates the hash', async () => {
    const both = await t.token({ tenant: 'acme', tenants: ['globex'], scopes: ['admin.write'], sub: 'user:ops' });
    expect(codes(await gql(both, PURGE, { ...vars, tenant: 'globex' }))).toEqual(['EDGE_UNAVAILABLE']);
    const badHash = await gql(acme, PURGE, { ...vars, varsHash: 'not-hex' });
    expect(badHash.errors).toMatchObject([{ message: expect.stringContaining('purgeCache.varsHash'), extensions: { code: 'BAD_USER_INPUT' } }]);
  });
});

describe('Query.whatIf', () => {
  const WHATIF = `query($input: WhatIfInput!) { whatIf(input: $input) {
    mode model lambda rho saturated latencyMs { p95 p99 } costPerHourMicros sloMet
    inputs { arrivalRatePerSecond { value source } instances { value source } hitRatio { value source } }
  } }`;

  it('predicts from catalog values when the edge has no metrics, naming the sources', async () => {
    const reply = await gql(acme, WHATIF, { input: { opId: 'entity-by-id', tenant: 'acme' } });
    expect(reply.errors).toBeUndefined();
    const w = reply.data!.whatIf;
    expect(w).toMatchObject({ mode: 'ANALYTIC', lambda: 40, saturated: false, costPerHourMicros: '96000' });
    expect(w.inputs).toEqual({
      arrivalRatePerSecond: { value: 40, source: 'CATALOG' },
      instances: { value: 2, source: 'CATALOG' },
      hitRatio: { value: 0, source: 'DEFAULT' },
    });
    expect(w.latencyMs.p99).toBeGreaterThanOrEqual(w.latencyMs.p95);
  });

  it('applies overrides, and reports saturation without latencies', async () => {
    const reply = await gql(acme, WHATIF, { input: { opId: 'entity-by-id', tenant: 'acme', arrivalFactor: 100 } });
    expect(reply.data!.whatIf).toMatchObject({ saturated: true, latencyMs: null, sloMet: false, inputs: { arrivalRatePerSecond: { value: 4000, source: 'OVERRIDE' } } });
  });

  it("needs platform metrics access for every tenant's traffic, and membership for one tenant's", async () => {
    expect(codes(await gql(acme, WHATIF, { input: { opId: 'entity-by-id' } }))).toEqual(['FORBIDDEN']);
    expect(codes(await gql(acme, WHATIF, { input: { opId: 'entity-by-id', tenant: 'globex' } }))).toEqual(['FORBIDDEN']);
    expect((await gql(platform, WHATIF, { input: { opId: 'entity-by-id' } })).errors).toBeUndefined();
    expect(codes(await gql(platform, WHATIF, { input: { opId: 'no-such-op' } }))).toEqual(['NOT_FOUND']);
    expect(codes(await gql(platform, WHATIF, { input: { opId: 'entity-by-id', hitRatio: 2 } }))).toEqual(['BAD_USER_INPUT']);
  });
});
