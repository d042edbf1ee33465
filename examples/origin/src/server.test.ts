import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, UnsecuredJWT, importJWK } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { generateSecrets, type DevSecrets } from '@conductor/schema/auth/dev-keys';
import { mintToken } from '@conductor/schema/auth/tokens';
import { JWT_ALG, JWT_AUDIENCE, JWT_ISSUER } from '@conductor/schema/contracts/auth';
import { documentId, fieldPurgeId, FORWARDED_PURGE_ID_HEADER, FORWARDED_PURGE_SIGNATURE_HEADER, newForwardedPurgeId, OUTBOX_BACKLOG_PATH, signForwardedPurgeId } from '@conductor/sdk';
import { startPurgeReceiver, type PurgeReceiver } from '@conductor/sdk/testing';
import manifest from '../persisted-operations.json' with { type: 'json' };
import { corpusSnapshot, DOCUMENTS_PER_TENANT, generateDocument } from './corpus/generate.ts';
import { startJwksServer } from './testing/jwks-server.ts';
import { startOrigin, type RunningOrigin } from './server.ts';

const purgeSecret = 'origin-test-purge-secret';
let secrets: DevSecrets;
let jwks: { url: string; close(): Promise<void> };
let edge: PurgeReceiver;
let origin: RunningOrigin;
let acme: string;
let globex: string;
const logged: string[] = [];

beforeAll(async () => {
  secrets = await generateSecrets();
  jwks = await startJwksServer(secrets.publicJwk);
  edge = await startPurgeReceiver(purgeSecret);
  origin = await startOrigin({ port: 0, jwksUrl: jwks.url, edgeUrl: edge.url, purgeSecret, latencyMs: 0, log: (l) => logged.push(l) });
  acme = await mintToken(secrets.privateJwk, { tenant: 'acme', sub: 'alice' });
  globex = await mintToken(secrets.privateJwk, { tenant: 'globex', sub: 'bob' });
});
afterAll(async () => {
  await origin.close();
  await edge.close();
  await jwks.close();
});
beforeEach(() => {
  edge.received.length = 0;
  edge.respond(() => undefined);
});

interface GraphqlResponse {
  status: number;
  cacheControl: string | null;
  body: { data?: Record<string, any> | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }>; extensions?: Record<string, any>; error?: { code: string; message: string } };
}

async function gql(token: string | undefined, query: string, variables?: Record<string, unknown>, extra: Record<string, string> = {}, at = origin): Promise<GraphqlResponse> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...extra };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${at.url}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  return { status: res.status, cacheControl: res.headers.get('cache-control'), body: await res.json() };
}

const doc = (name: string) => manifest.operations.find((op) => op.name === name)!.body;

describe('persisted operations', () => {
  const variables: Record<string, Record<string, unknown>> = {
    EntityById: { id: '7' },
    Entities: { limit: 3 },
    Relationships: { entityId: '7' },
    UpdateEntity: { id: '9', name: 'Persisted rename' },
    LinkEntities: { from: '1', to: '2', kind: 'observes' },
    Documents: { first: 2 },
  };

  it.each(manifest.operations.map((op) => [op.name, op] as const))('%s: the manifest id is the sha256 of its document', async (_name, op) => {
    expect(await documentId(op.body)).toBe(`sha256:${op.id}`);
  });

  it.each(manifest.operations.map((op) => [op.name, op.body] as const))('%s executes unchanged', async (name, body) => {
    const res = await gql(acme, body, variables[name]);
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data).toBeTruthy();
  });
});

describe('tenant isolation', () => {
  it('serves each tenant only its own entities', async () => {
    const a = await gql(acme, doc('Entities'), { limit: 100 });
    const g = await gql(globex, doc('Entities'), { limit: 100 });
    const aNames = a.body.data!.entities.map((e: { name: string }) => e.name);
    const gNames = g.body.data!.entities.map((e: { name: string }) => e.name);
    expect(aNames).toHaveLength(100);
    expect(aNames.every((n: string) => n.includes('acme') && !n.includes('globex'))).toBe(true);
    expect(gNames.every((n: string) => n.includes('globex') && !n.includes('acme'))).toBe(true);
  });

  it('generates data for any verified tenant, not only the demo pair', async () => {
    const token = await mintToken(secrets.privateJwk, { tenant: 'tenant-x9' });
    const res = await gql(token, doc('EntityById'), { id: '100' });
    expect(res.body.data!.entity.name).toContain('tenant-x9');
  });

  it('keeps a write in one tenant out of the other', async () => {
    await gql(acme, doc('UpdateEntity'), { id: '11', name: 'Only here' });
    const g = await gql(globex, doc('EntityById'), { id: '11' });
    expect(g.body.data!.entity.name).not.toContain('Only here');
    const a = await gql(acme, doc('EntityById'), { id: '11' });
    expect(a.body.data!.entity.name).toBe('acme · Only here');
  });

  it('ignores a tenant header: only the token decides', async () => {
    const res = await fetch(`${origin.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${acme}`, 'x-tenant': 'globex', 'x-conductor-tenant': 'globex' },
      body: JSON.stringify({ query: doc('EntityById'), variables: { id: '1' } }),
    });
    expect(((await res.json()) as any).data.entity.name).toContain('acme');
  });
});

describe('authentication', () => {
  async function expectUnauthenticated(token: string | undefined, code = 'UNAUTHENTICATED') {
    const res = await gql(token, doc('EntityById'), { id: '1' });
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ code });
    expect(res.body.data).toBeUndefined();
  }

  it('rejects a request without a token', () => expectUnauthenticated(undefined));

  it('rejects a malformed bearer value', () => expectUnauthenticated('not-a-jwt'));

  it('rejects a token signed by another key under the same kid', async () => {
    const forger = await generateSecrets();
    const forged = await mintToken({ ...forger.privateJwk, kid: secrets.privateJwk.kid }, { tenant: 'globex' });
    await expectUnauthenticated(forged);
  });

  it('rejects an alg:none token', async () => {
    const unsigned = new UnsecuredJWT({ tenant: 'acme' }).setSubject('eve').setIssuer(JWT_ISSUER).setAudience(JWT_AUDIENCE).setExpirationTime('1h').encode();
    await expectUnauthenticated(unsigned);
  });

  it('rejects an expired token with TOKEN_EXPIRED', async () => {
    const key = await importJWK(secrets.privateJwk, JWT_ALG);
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({ tenant: 'acme' })
      .setProtectedHeader({ alg: JWT_ALG, kid: secrets.privateJwk.kid })
      .setSubject('alice')
      .setIssuer(JWT_ISSUER)
      .setAudience(JWT_AUDIENCE)
      .setIssuedAt(now - 7200)
      .setExpirationTime(now - 3600)
      .sign(key);
    await expectUnauthenticated(expired, 'TOKEN_EXPIRED');
  });

  it('rejects a token for another audience', async () => {
    const key = await importJWK(secrets.privateJwk, JWT_ALG);
    const token = await new SignJWT({ tenant: 'acme' })
      .setProtectedHeader({ alg: JWT_ALG, kid: secrets.privateJwk.kid })
      .setSubject('alice')
      .setIssuer(JWT_ISSUER)
      .setAudience('someone-else')
      .setExpirationTime('1h')
      .sign(key);
    await expectUnauthenticated(token);
  });

  it('answers 503 when the signing keys cannot be fetched, since the token may well be valid', async () => {
    const gone = await startJwksServer(secrets.publicJwk);
    await gone.close();
    const blind = await startOrigin({ port: 0, jwksUrl: gone.url, edgeUrl: edge.url, purgeSecret, latencyMs: 0 });
    try {
      const res = await fetch(`${blind.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${acme}` },
        body: JSON.stringify({ query: doc('EntityById'), variables: { id: '1' } }),
      });
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ error: { code: 'INTERNAL' } });
    } finally {
      await blind.close();
    }
  });

  it('rejects a validly signed token without a tenant claim', async () => {
    const key = await importJWK(secrets.privateJwk, JWT_ALG);
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: JWT_ALG, kid: secrets.privateJwk.kid })
      .setSubject('alice')
      .setIssuer(JWT_ISSUER)
      .setAudience(JWT_AUDIENCE)
      .setExpirationTime('1h')
      .sign(key);
    await expectUnauthenticated(token);
  });
});

describe('responses', () => {
  it('answers an unknown id with null and a NOT_FOUND error', async () => {
    const res = await gql(acme, doc('EntityById'), { id: '999' });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ entity: null });
    expect(res.body.errors?.[0]).toMatchObject({ message: 'entity 999 does not exist', extensions: { code: 'NOT_FOUND' } });
  });

  it('marks responses that select viewer private, no-store', async () => {
    const res = await gql(acme, '{ viewer { sub tenant } entity(id: "1") { id } }');
    expect(res.body.data!.viewer).toEqual({ sub: 'alice', tenant: 'acme' });
    expect(res.cacheControl).toBe('private, no-store');
  });

  it('marks other responses public, max-age=60', async () => {
    expect((await gql(acme, doc('EntityById'), { id: '1' })).cacheControl).toBe('public, max-age=60');
  });

  it('marks non-2xx answers no-store, e.g. a mutation over GET', async () => {
    const query = encodeURIComponent('mutation { updateEntity(id: "1", name: "x") { id } }');
    const res = await fetch(`${origin.url}/graphql?query=${query}`, { headers: { authorization: `Bearer ${acme}` } });
    expect(res.status).toBe(405);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(edge.received).toHaveLength(0);
  });

  it('reports a GraphQL syntax error', async () => {
    const res = await gql(acme, '{ entity(id: "1") { id ');
    expect(res.body.errors?.[0]?.message).toMatch(/Syntax Error/);
  });

  it('answers unknown paths with a 404 error body', async () => {
    const res = await fetch(`${origin.url}/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });
});

describe('documents (the export corpus)', () => {
  interface Page {
    nodes: { id: string; title: string; body: string; updatedAt: string }[];
    pageInfo: { endCursor: string | null; hasNextPage: boolean };
    totalCount: number;
    snapshot: string;
  }
  const page = async (token: string, variables: Record<string, unknown>) => {
    const res = await gql(token, doc('Documents'), variables);
    return { ...res, page: res.body.data?.documents as Page };
  };

  it('pages through every document of the token’s tenant exactly once, in order', async () => {
    const ids: string[] = [];
    let after: string | null = null;
    let requests = 0;
    for (;;) {
      const { status, page: p } = await page(acme, { after, first: 200 });
      expect(status).toBe(200);
      requests++;
      for (const d of p.nodes) {
        expect(d.title).toContain('acme');
        expect(d.body).toContain('acme');
        expect(d.body).not.toContain('globex');
      }
      ids.push(...p.nodes.map((d) => d.id));
      after = p.pageInfo.endCursor;
      if (!p.pageInfo.hasNextPage) break;
    }
    expect(requests).toBe(Math.ceil(DOCUMENTS_PER_TENANT / 200));
    expect(new Set(ids).size).toBe(DOCUMENTS_PER_TENANT);
    expect(ids[0]).toBe('doc-00001');
    expect(ids.at(-1)).toBe(`doc-${String(DOCUMENTS_PER_TENANT).padStart(5, '0')}`);
  });

  it('serves the generator’s documents for the tenant in the token, and names the snapshot', async () => {
    const { page: a } = await page(acme, { first: 3 });
    const { page: g } = await page(globex, { first: 3 });
    const expected = generateDocument('acme', 2);
    expect(a.nodes[1]).toEqual({ id: expected.id, title: expected.title, body: expected.body, updatedAt: expected.updatedAt });
    expect(g.nodes[1]!.body).toBe(generateDocument('globex', 2).body);
    expect(a).toMatchObject({ totalCount: DOCUMENTS_PER_TENANT, snapshot: corpusSnapshot() });
  });

  it('is never stored by a cache: raw documents carry personal data', async () => {
    expect((await page(acme, { first: 1 })).cacheControl).toBe('no-store');
  });

  it('refuses a forged cursor and an oversized page as bad input', async () => {
    const forged = await page(acme, { after: 'bm9wZQ', first: 1 });
    expect(forged.body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    const big = await page(acme, { first: 201 });
    expect(big.body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  });
});

describe('stats', () => {
  it('counts requests, operations, mutations and purges, and resets', async () => {
    const reset = await fetch(`${origin.url}/__stats/reset`, { method: 'POST' });
    expect(await reset.json()).toEqual({
      requests: 0,
      byOperation: {},
      mutations: 0,
      purgesSent: 0,
      purgesPending: 0,
      purgeFailures: 0,
      outbox: expect.objectContaining({ depth: 0, oldestAgeMs: 0 }),
    });

    await gql(acme, doc('EntityById'), { id: '1' });
    await gql(globex, doc('EntityById'), { id: '2' });
    await gql(acme, doc('Entities'));
    await gql(acme, doc('UpdateEntity'), { id: '3', name: 'Counted' });
    await gql(undefined, doc('EntityById'), { id: '1' });

    const stats = await (await fetch(`${origin.url}/__stats`)).json();
    expect(stats).toMatchObject({ requests: 5, byOperation: { EntityById: 2, Entities: 1, UpdateEntity: 1 }, mutations: 1, purgesSent: 1, purgesPending: 0, purgeFailures: 0 });
    expect(stats.outbox).toMatchObject({ depth: 0, oldestAgeMs: 0 });
    expect(origin.stats()).toEqual(stats);
    origin.resetStats();
    expect(origin.stats().requests).toBe(0);
  });
});

describe('purge after a mutation', () => {
  it('sends a signed purge for updateEntity with its arguments and waits for the receipt', async () => {
    const res = await gql(acme, doc('UpdateEntity'), { id: '7', name: 'Purged name' });

    // The purge arrived before the mutation answered: a read after the response is fresh.
    expect(edge.received).toHaveLength(1);
    const [sent] = edge.received;
    expect(sent!.signature.ok).toBe(true);
    expect(sent!.path).toBe('/__edge/purge');
    expect(JSON.parse(sent!.rawBody)).toEqual({
      purgeId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      tenant: 'acme',
      mutation: { op: 'updateEntity', variables: { id: '7', name: 'Purged name' } },
    });
    expect(res.body.data!.updateEntity.name).toBe('acme · Purged name');
    expect(res.body.extensions!.purge).toMatchObject({ status: 'applied', purges: [{ op: 'updateEntity', purgeId: sent!.request!.purgeId }] });
  });

  it('through the edge: each root field is purged under the id the edge signed and will purge it under itself', async () => {
    const forwarded = newForwardedPurgeId();
    const headers = { [FORWARDED_PURGE_ID_HEADER]: forwarded, [FORWARDED_PURGE_SIGNATURE_HEADER]: await signForwardedPurgeId(purgeSecret, forwarded) };
    const res = await gql(acme, 'mutation { first: updateEntity(id: "3", name: "a") { id } second: updateEntity(id: "4", name: "b") { id } }', {}, headers);
    expect(res.body.errors).toBeUndefined();
    expect(edge.received.map((r) => r.request!.purgeId)).toEqual([await fieldPurgeId(forwarded, 'first'), await fieldPurgeId(forwarded, 'second')]);
  });

  it('an id the edge did not sign is ignored: the purge gets an id of its own, so it cannot be answered from an old receipt', async () => {
    const forwarded = newForwardedPurgeId();
    for (const signature of [undefined, 'forged', await signForwardedPurgeId('some-other-secret-0123456789', forwarded)]) {
      edge.received.length = 0;
      const headers: Record<string, string> = { [FORWARDED_PURGE_ID_HEADER]: forwarded };
      if (signature) headers[FORWARDED_PURGE_SIGNATURE_HEADER] = signature;
      await gql(acme, doc('UpdateEntity'), { id: '7', name: 'Not forwarded' }, headers);
      expect(edge.received).toHaveLength(1);
      expect(edge.received[0]!.request!.purgeId).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('sends the tenant of the token and the linkEntities arguments', async () => {
    await gql(globex, doc('LinkEntities'), { from: '4', to: '5', kind: 'contacts' });
    expect(edge.received).toHaveLength(1);
    expect(edge.received[0]!.request).toMatchObject({ tenant: 'globex', mutation: { op: 'linkEntities', variables: { from: '4', to: '5', kind: 'contacts' } } });
  });

  it('sends no purge when the write fails', async () => {
    const res = await gql(acme, doc('UpdateEntity'), { id: '404', name: 'x' });
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND' });
    expect(edge.received).toHaveLength(0);
  });

  it('answers within the wait bound with the purge pending while the hook fails, and delivers it once the edge recovers', async () => {
    let down = true;
    edge.respond(() => (down ? { status: 503, body: { error: { code: 'EDGE_UNAVAILABLE', message: 'down for the test' } } } : undefined));
    origin.resetStats();

    const res = await gql(acme, doc('UpdateEntity'), { id: '8', name: 'Written anyway' });

    expect(res.body.data!.updateEntity.name).toBe('acme · Written anyway');
    expect(res.body.extensions!.purge).toMatchObject({
      status: 'pending',
      purges: [{ status: 'pending', op: 'updateEntity', code: 'EDGE_UNAVAILABLE' }],
    });
    const purgeId = res.body.extensions!.purge.purges[0].purgeId;
    expect(new Set(edge.received.map((r) => r.request!.purgeId))).toEqual(new Set([purgeId]));
    expect(origin.stats()).toMatchObject({ purgesSent: 1, purgesPending: 1, purgeFailures: 0, outbox: { depth: 1 } });
    expect(logged.some((l) => l.includes('purge pending'))).toBe(true);

    down = false;
    await vi.waitFor(() => expect(origin.stats().outbox.depth).toBe(0), { timeout: 15_000, interval: 100 });
    const delivered = edge.received.at(-1)!;
    expect(delivered.request).toMatchObject({ purgeId, tenant: 'acme', mutation: { op: 'updateEntity', variables: { id: '8', name: 'Written anyway' } } });
    expect(delivered.signature.ok).toBe(true);
  });

  it('reports a purge the edge refuses for good as failed, without failing the mutation', async () => {
    edge.respond(() => ({ status: 401, body: { error: { code: 'SIGNATURE_INVALID', message: 'wrong secret' } } }));
    origin.resetStats();
    const failedBefore = origin.stats().outbox.failed;

    const res = await gql(acme, doc('UpdateEntity'), { id: '10', name: 'Refused purge' });

    expect(res.body.data!.updateEntity.name).toBe('acme · Refused purge');
    expect(res.body.extensions!.purge).toMatchObject({ status: 'failed', purges: [{ status: 'failed', code: 'SIGNATURE_INVALID' }] });
    expect(edge.received).toHaveLength(1);
    expect(origin.stats()).toMatchObject({ purgesSent: 1, purgeFailures: 1, outbox: { depth: 0, failed: failedBefore + 1 } });
    expect(logged.some((l) => l.includes('purge failed'))).toBe(true);
  });

  it('keeps a pending purge in its data dir across a restart and delivers it from the new process', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'conductor-origin-'));
    edge.respond(() => ({ status: 503, body: { error: { code: 'EDGE_UNAVAILABLE', message: 'down for the test' } } }));
    try {
      const first = await startOrigin({ port: 0, jwksUrl: jwks.url, edgeUrl: edge.url, purgeSecret, latencyMs: 0, dataDir, purgeWaitMs: 100, log: () => {} });
      const res = await fetch(`${first.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${acme}` },
        body: JSON.stringify({ query: doc('UpdateEntity'), variables: { id: '12', name: 'Before restart' } }),
      });
      const purgeId = ((await res.json()) as any).extensions.purge.purges[0].purgeId as string;
      expect(first.stats().outbox.depth).toBe(1);
      await first.close();

      edge.respond(() => undefined);
      const second = await startOrigin({ port: 0, jwksUrl: jwks.url, edgeUrl: edge.url, purgeSecret, latencyMs: 0, dataDir, log: () => {} });
      try {
        await vi.waitFor(() => expect(second.stats().outbox).toMatchObject({ depth: 0, delivered: 1 }), { timeout: 15_000, interval: 100 });
        expect(edge.received.at(-1)!.request).toMatchObject({ purgeId, tenant: 'acme' });
      } finally {
        await second.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('concurrency limit', () => {
  it('queues requests beyond the limit and answers them all', async () => {
    const limited = await startOrigin({ port: 0, jwksUrl: jwks.url, edgeUrl: edge.url, purgeSecret, latencyMs: 5, concurrencyLimit: 1 });
    try {
      const responses = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          fetch(`${limited.url}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${acme}` },
            body: JSON.stringify({ query: doc('EntityById'), variables: { id: String(i + 1) } }),
          }).then((r) => r.json() as Promise<any>),
        ),
      );
      expect(responses.map((r) => r.data.entity.id)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
      expect(limited.stats().byOperation).toEqual({ EntityById: 8 });
    } finally {
      await limited.close();
    }
  });
});

describe('purge backlog reports', () => {
  it('reports its outbox to the control plane, signed with the purge secret: pending and refused purges per tenant', async () => {
    const controlPlane = await startPurgeReceiver(purgeSecret);
    controlPlane.respond((r) => ({ status: r.signature.ok ? 202 : 401, body: { accepted: true } }));
    // The edge is down for acme's purge and refuses globex's for good.
    edge.respond((r) => (r.request?.tenant === 'globex' ? { status: 401, body: { error: { code: 'SIGNATURE_INVALID', message: 'refused' } } } : { status: 503, body: { error: { code: 'EDGE_UNAVAILABLE', message: 'down' } } }));
    const reporting = await startOrigin({
      port: 0,
      jwksUrl: jwks.url,
      edgeUrl: edge.url,
      purgeSecret,
      latencyMs: 0,
      purgeWaitMs: 100,
      controlPlaneUrl: controlPlane.url,
      backlogReportIntervalMs: 50,
      backlogSource: 'origin-under-test',
      log: () => {},
    });
    try {
      await gql(acme, doc('UpdateEntity'), { id: '11', name: 'Backlogged' }, {}, reporting);
      await gql(globex, doc('UpdateEntity'), { id: '12', name: 'Refused' }, {}, reporting);
      const latest = async () => {
        const reports = controlPlane.received.filter((r) => r.path === OUTBOX_BACKLOG_PATH);
        return reports.length === 0 ? undefined : reports.at(-1)!;
      };
      await vi.waitFor(async () => expect(JSON.parse((await latest())?.rawBody ?? '{"tenants":[]}').tenants).toHaveLength(2), { timeout: 10_000, interval: 50 });
      const report = (await latest())!;
      expect(report.signature.ok).toBe(true);
      expect(JSON.parse(report.rawBody)).toMatchObject({
        source: 'origin-under-test',
        tenants: [
          { tenant: 'acme', pending: 1, failed: 0 },
          { tenant: 'globex', pending: 0, failed: 1 },
        ],
      });
    } finally {
      await reporting.close();
      await controlPlane.close();
    }
  });
});

describe('Server-Timing (queueing backtests)', () => {
  it('reports the gate wait, the slot time and the drawn sleep, which the slot time includes', async () => {
    const timed = await startOrigin({
      port: 0,
      jwksUrl: jwks.url,
      edgeUrl: edge.url,
      purgeSecret,
      concurrencyLimit: 1,
      serviceTime: { distribution: 'constant', meanMs: 20 },
      serverTiming: true,
      log: (l) => logged.push(l),
    });
    try {
      const send = () =>
        fetch(`${timed.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${acme}` },
          body: JSON.stringify({ query: doc('EntityById'), variables: { id: '1' } }),
        });
      const answers = await Promise.all([send(), send()]);
      const timings = answers.map((res) => {
        const header = res.headers.get('server-timing') ?? '';
        const value = (name: string) => Number(new RegExp(`${name};dur=([\\d.]+)`).exec(header)?.[1]);
        return { queue: value('queue'), svc: value('svc'), sleep: value('sleep') };
      });
      for (const t of timings) {
        expect(t.sleep).toBe(20);
        expect(t.svc).toBeGreaterThanOrEqual(t.sleep - 1); // a timer may fire up to 1 ms early
        expect(t.queue).toBeGreaterThanOrEqual(0);
      }
    } finally {
      await timed.close();
    }
  });
});
