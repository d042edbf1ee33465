import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ApolloClient, gql, HttpLink, InMemoryCache } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlPlane } from '../support/http.ts';
import { OPS } from '../support/operations.ts';
import { eventually } from '../support/eventually.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { createTenant, EDGE_CONFIG_BOUND_MS, PLATFORM_ADMIN } from '../support/tenants.ts';

// A stock Apollo Client 4 with its persisted-queries link, against the real stack, and the README's
// workflow (Apollo Client and persisted queries): generate the manifest from the client's documents
// with @apollo/generate-persisted-query-manifest, publish it, then the client's reads are cached.

const DOCUMENTS = fileURLToPath(new URL('./apollo-client/operations.graphql', import.meta.url));
const GENERATOR = createRequire(import.meta.url).resolve('@apollo/generate-persisted-query-manifest/cli.js');

interface Exchange {
  status: number;
  cache: string | null;
  /** What the link sent: the APQ hash, and whether the document text went with it. */
  hash: string | undefined;
  withQuery: boolean;
  code: string | undefined;
}

let stack: TestStack;
let workDir: string;
beforeAll(async () => {
  stack = await startTestStack();
  workDir = await mkdtemp(join(tmpdir(), 'conductor-apollo-'));
});
afterAll(async () => {
  await stack?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

/** Apollo Client as its docs set it up, plus a fetch that records what the edge answered. */
function apolloClient(token: string) {
  const exchanges: Exchange[] = [];
  const http = new HttpLink({
    uri: `${stack.edgeUrl}/graphql`,
    headers: { authorization: `Bearer ${token}` },
    fetch: async (input, init) => {
      const res = await fetch(input, init);
      const sent = JSON.parse(String(init?.body)) as { query?: string; extensions?: { persistedQuery?: { sha256Hash: string } } };
      const body = (await res.clone().json()) as { error?: { code: string }; errors?: { extensions?: { code: string } }[] };
      exchanges.push({
        status: res.status,
        cache: res.headers.get('x-cache'),
        hash: sent.extensions?.persistedQuery?.sha256Hash,
        withQuery: typeof sent.query === 'string',
        code: body.error?.code ?? body.errors?.[0]?.extensions?.code,
      });
      return res;
    },
  });
  const persisted = new PersistedQueryLink({ sha256: (text: string) => createHash('sha256').update(text).digest('hex') });
  const client = new ApolloClient({ link: persisted.concat(http), cache: new InMemoryCache() });
  return { client, exchanges };
}

async function entityQuery() {
  return gql(await readFile(DOCUMENTS, 'utf8'));
}

/** The README's step 1: the generator's own CLI over the client's documents. */
async function generateManifest(): Promise<{ operations: { id: string; name: string; type: string; body: string }[] }> {
  const config = join(workDir, 'persisted-query-manifest.config.json');
  const output = join(workDir, 'persisted-query-manifest.json');
  await writeFile(config, JSON.stringify({ documents: [DOCUMENTS], output }));
  await promisify(execFile)(process.execPath, [GENERATOR, '--config', config], { cwd: workDir });
  return JSON.parse(await readFile(output, 'utf8'));
}

describe('Apollo Client 4 with the persisted-queries link', () => {
  it('is not on the safelist as the app wrote it (BYPASS, 403 when strict), then is cached once its manifest is published', async () => {
    const open = await createTenant(stack);
    const strict = await createTenant(stack, { strictSafelist: true });
    const query = await entityQuery();

    // Before: the link's hash is of the document Apollo sends, with __typename added; the safelist has the app's text.
    const before = apolloClient(open.token);
    const read = await before.client.query({ query, variables: { id: '31' }, fetchPolicy: 'network-only' });
    expect(read.data).toMatchObject({ entity: { id: '31', __typename: 'Entity' } });
    expect(before.exchanges).toEqual([
      expect.objectContaining({ withQuery: false, code: 'PERSISTED_QUERY_NOT_FOUND' }),
      expect.objectContaining({ withQuery: true, status: 200, cache: 'BYPASS' }),
    ]);
    const apolloHash = before.exchanges[0]!.hash!;
    expect(apolloHash).not.toBe(OPS.EntityById.hash);

    const strictBefore = apolloClient(strict.token);
    await expect(strictBefore.client.query({ query, variables: { id: '31' }, fetchPolicy: 'network-only' })).rejects.toMatchObject({ statusCode: 403 });
    expect(strictBefore.exchanges.at(-1)).toMatchObject({ withQuery: true, status: 403, code: 'PERSISTED_QUERY_NOT_IN_LIST' });

    // Step 1: the manifest holds exactly what the link hashes.
    const manifest = await generateManifest();
    expect(manifest.operations).toEqual([{ id: apolloHash, name: 'EntityById', type: 'query', body: expect.stringContaining('__typename') }]);

    // Step 2: publish it with a platform-admin token, with a TTL so its reads are cached.
    const admin = await stack.token(PLATFORM_ADMIN);
    const published = await controlPlane(stack, admin, 'POST', '/v1/safelist/manifest', { ...manifest, ttlSeconds: 60 });
    expect(published.status, published.text).toBe(200);
    expect(published.body).toEqual({ created: 1, updated: 0, unchanged: 0 });

    // Step 3: the same client code now gets MISS then HIT, on the strict tenant too (after the edge's next config pull).
    for (const [tenant, id] of [
      [open, '32'],
      [strict, '33'],
    ] as const) {
      const after = apolloClient(tenant.token);
      await eventually(async () => {
        after.exchanges.length = 0;
        await after.client.query({ query, variables: { id }, fetchPolicy: 'network-only' });
        expect(after.exchanges).toEqual([expect.objectContaining({ withQuery: false, status: 200, cache: 'MISS', hash: apolloHash })]);
      }, EDGE_CONFIG_BOUND_MS + 1_000);
      after.exchanges.length = 0;
      const cached = await after.client.query({ query, variables: { id }, fetchPolicy: 'network-only' });
      expect(cached.data).toMatchObject({ entity: { id, __typename: 'Entity' } });
      expect(after.exchanges).toEqual([expect.objectContaining({ withQuery: false, status: 200, cache: 'HIT', hash: apolloHash })]);
    }
  });
});
