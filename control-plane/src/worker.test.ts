import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unstable_startWorker } from 'wrangler';
import { generateSecrets, type DevSecrets } from '@conductor/schema/auth/dev-keys';
import { mintToken } from '@conductor/schema/auth/tokens';

// The Worker entry in real workerd (wrangler's local runtime), built from control-plane/wrangler.toml:
// proves the bundle, the web build of Cedar and the text-bundled policies. Database paths are
// covered on Node; a deployed Worker reaches Neon through Neon's own WebSocket proxy.
let worker: Awaited<ReturnType<typeof unstable_startWorker>>;
let url: URL;
let secrets: DevSecrets;
let persistDir: string;

beforeAll(async () => {
  process.env.WRANGLER_SEND_METRICS = 'false';
  process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false';
  secrets = await generateSecrets();
  persistDir = await mkdtemp(join(tmpdir(), 'conductor-cp-worker-'));
  worker = await unstable_startWorker({
    config: new URL('../wrangler.toml', import.meta.url).pathname,
    bindings: {
      DATABASE_URL: { type: 'plain_text', value: 'postgres://conductor@db.invalid/conductor' },
      JWT_PUBLIC_JWKS: { type: 'plain_text', value: JSON.stringify({ keys: [secrets.publicJwk] }) },
      PURGE_SIGNING_SECRET: { type: 'plain_text', value: secrets.purgeSecret },
    },
    dev: { server: { hostname: '127.0.0.1', port: 0 }, inspector: false, persist: persistDir },
  });
  await worker.ready;
  url = await worker.url;
});
afterAll(async () => {
  await worker?.dispose();
  await rm(persistDir, { recursive: true, force: true });
});

describe('control plane Worker entry', () => {
  it('serves the JWKS and the OpenAPI document', async () => {
    const jwks = (await (await fetch(new URL('/.well-known/jwks.json', url))).json()) as { keys: Array<{ kid: string }> };
    expect(jwks.keys.map((k) => k.kid)).toEqual([secrets.publicJwk.kid]);
    const doc = (await (await fetch(new URL('/openapi.json', url))).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toContain('/v1/tenants');
  });

  it('authenticates with the configured keys and authorizes with Cedar in workerd', async () => {
    const anonymous = await fetch(new URL('/v1/tenants', url));
    expect(anonymous.status).toBe(401);
    const token = await mintToken(secrets.privateJwk, { tenant: 'acme', scopes: ['admin.write'] });
    const res = await fetch(new URL('/v1/tenants', url), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'initech', name: 'Initech' }),
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringContaining('platform-admin'),
    });
  });

  it('serves admin GraphQL through graphql-http in workerd, with its limits and error codes', async () => {
    const token = await mintToken(secrets.privateJwk, { tenant: 'acme', scopes: ['admin.read'] });
    const graphql = (query: string) =>
      fetch(new URL('/graphql', url), {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/graphql-response+json' },
        body: JSON.stringify({ query }),
      });
    const ok = await graphql('{ __typename }');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ data: { __typename: 'Query' } });
    const deep = await graphql(`{ __schema { types { ${'ofType { '.repeat(20)}name${' }'.repeat(20)} } } }`);
    expect(deep.status).toBe(400);
    expect(await deep.json()).toMatchObject({ errors: [{ extensions: { code: 'QUERY_TOO_DEEP' } }] });
  });
});
