import { env } from 'cloudflare:workers';
import { createLocalJWKSet, exportJWK, generateKeyPair, type JWK } from 'jose';
import { JWT_ALG } from '@conductor/schema/contracts/auth';
import type { EdgeConfig, EdgeOperation } from '@conductor/schema/contracts/edge-config';
import { documentId } from '@conductor/sdk';
import { mintToken, type MintOptions } from '@conductor/schema/auth/tokens';
import manifest from '@conductor/example-origin/persisted-operations.json';
import policy from '@conductor/example-origin/cache-policy.json';
import { VerifiedTokens } from '../src/auth/verified-tokens.ts';
import { GenerationMemo, GenerationsClient } from '../src/cache/generations.ts';
import { cacheKey, cacheUrl, canonicalVariables, generationDigest } from '../src/cache/keyer.ts';
import { HotEntries } from '../src/cache/hot-entries.ts';
import { ReadPlans } from '../src/cache/read-plans.ts';
import { ResponseCache } from '../src/cache/response-cache.ts';
import { readTags } from '../src/cache/tags.ts';
import { indexConfig, type ConfigIndex } from '../src/config/config-index.ts';
import type { EdgeContext } from '../src/context.ts';
import { CachedDocumentRegistry } from '../src/graphql/document-registry.ts';
import { ParsedRequests } from '../src/graphql/parsed-requests.ts';
import { InFlight } from '../src/cache/in-flight.ts';
import { LiveEntriesClient } from '../src/generations/live-entries-client.ts';
import type { TenantGenerations } from '../src/generations/tenant-generations.ts';
import { metricsShipper, type MetricsTarget } from '../src/metrics/flush.ts';
import { MetricsRecorder } from '../src/metrics/recorder.ts';
import { OriginClient, type Fetch } from '../src/origin/forward.ts';
import { edgeSettings, type EdgeSettings } from '../src/settings.ts';

/** The demo config `npm start` seeds, built the way the control plane serves it. */
export async function demoConfig(): Promise<EdgeConfig> {
  const ops = policy.operations as Record<
    string,
    { ttlSeconds: number; staleWhileRevalidateSeconds?: number; staleIfErrorSeconds?: number; scope: 'tenant' | 'user' }
  >;
  const safelist = await Promise.all(
    manifest.operations.map(async (op) => ({
      id: await documentId(op.body),
      name: op.name,
      document: op.body,
      operationType: op.type as 'query' | 'mutation',
      ttlSeconds: ops[op.name]?.ttlSeconds ?? 0,
      staleWhileRevalidateSeconds: ops[op.name]?.staleWhileRevalidateSeconds ?? 0,
      staleIfErrorSeconds: ops[op.name]?.staleIfErrorSeconds ?? 0,
      cachingEnabled: true,
      scope: ops[op.name]?.scope ?? 'tenant',
      variables: [...op.body.matchAll(/\$(\w+):/g)].map((m) => m[1]!),
    })),
  );
  return {
    version: 'test-1',
    generatedAt: new Date(0).toISOString(),
    cachingEnabled: true,
    tenants: policy.tenants.map((t) => ({ id: t.id, strictSafelist: t.strictSafelist })),
    safelist,
    invalidationMap: policy.invalidationMap as EdgeConfig['invalidationMap'],
  };
}

export function opByName(config: EdgeConfig, name: string) {
  const op = config.safelist.find((o) => o.name === name);
  if (!op) throw new Error(`no op ${name}`);
  return op;
}

/** What the read-path suites (cached reads, chaos) share: acme reading EntityById under the demo config. */
export interface EntityReads {
  config: EdgeConfig;
  index: ConfigIndex;
  keys: Signer;
  /** An acme bearer token. */
  token: string;
  op: EdgeOperation;
}

export async function entityReads(): Promise<EntityReads> {
  const config = await demoConfig();
  const keys = await signer();
  return { config, index: indexConfig(config), keys, token: await keys.token({ tenant: 'acme' }), op: opByName(config, 'EntityById') };
}

/** The persisted-operation POST for `op` with `{ id }`, as `token`'s bearer. */
export function entityRequest(op: EdgeOperation, token: string, id: string): Request {
  return new Request('https://edge.test/graphql', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ documentId: op.id, variables: { id } }),
  });
}

/** The URL the edge computes for acme's `op`({ id }) under cx's current generations, as the handler does. */
export async function entityUrl(cx: EdgeContext, index: ConfigIndex, op: EdgeOperation, id: string): Promise<string> {
  const vars = (await canonicalVariables({ id }))!;
  const tags = readTags(op.id, vars.varsHash, { id }, index.selectorKeySets.get(op.id) ?? []);
  const key = cacheKey({ tenant: 'acme', region: 'test', opId: op.id, varsHash: vars.varsHash });
  return cacheUrl(key, await generationDigest(await cx.generations.read('acme', tags), tags));
}

/** A real Ed25519 key pair standing in for the control plane's signing key. */
export interface Signer {
  privateJwk: JWK;
  keys: ReturnType<typeof createLocalJWKSet>;
  token(opts: MintOptions): Promise<string>;
}

export async function signer(kid = 'test-key'): Promise<Signer> {
  const { privateKey, publicKey } = await generateKeyPair(JWT_ALG, { crv: 'Ed25519', extractable: true });
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: JWT_ALG };
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: JWT_ALG, use: 'sig' };
  return { privateJwk, keys: createLocalJWKSet({ keys: [publicJwk] }), token: (opts) => mintToken(privateJwk, opts) };
}

export interface TestContext extends EdgeContext {
  pending: Promise<unknown>[];
  /** Where shipMetrics sends batches; for tests that flush explicitly. */
  metricsTarget: MetricsTarget;
}

export interface TestContextOptions {
  /** Answers the edge's origin requests; default: the closed port of ORIGIN_URL (502). */
  origin?: Fetch;
  /** Answers the edge's metrics pushes; default: the closed port of CONTROL_PLANE_URL. */
  controlPlane?: Fetch;
  settings?: Partial<EdgeSettings>;
  /** The Durable Object namespace behind the generations client (fault injection in chaos tests). */
  generations?: DurableObjectNamespace<TenantGenerations>;
}

/** The production context with a fixed config and a local key set instead of the control plane. */
export async function testContext(index: ConfigIndex, keys: Signer['keys'], opts: TestContextOptions = {}): Promise<TestContext> {
  const pending: Promise<unknown>[] = [];
  // A short metrics interval: a delayed flush must not hold settle() for the production 10 s.
  const settings = { ...edgeSettings(env), metricsFlushMs: 50, ...opts.settings };
  const waitUntil = (p: Promise<unknown>) => void pending.push(p);
  const metrics = new MetricsRecorder();
  const metricsTarget: MetricsTarget = {
    controlPlaneUrl: settings.controlPlaneUrl,
    token: settings.controlPlaneToken,
    fetch: opts.controlPlane ?? ((input, init) => fetch(input, init)),
  };
  return {
    settings,
    config: { current: () => index, get: async () => index },
    keys,
    verifiedTokens: new VerifiedTokens(),
    generations: new GenerationsClient(new GenerationMemo(), opts.generations ?? env.GENERATIONS, waitUntil),
    liveEntries: new LiveEntriesClient(opts.generations ?? env.GENERATIONS),
    responses: new ResponseCache(await caches.open(`test-${crypto.randomUUID()}`), new HotEntries()),
    inFlight: new InFlight(),
    origin: new OriginClient(settings.originUrl, settings.originTimeoutMs, opts.origin ?? ((input, init) => fetch(input, init))),
    documents: new CachedDocumentRegistry(await caches.open(`test-apq-${crypto.randomUUID()}`)),
    parsedRequests: new ParsedRequests(),
    readPlans: new ReadPlans(),
    metrics,
    shipMetrics: metricsShipper(metrics, metricsTarget, settings.metricsFlushMs, waitUntil),
    waitUntil,
    pending,
    metricsTarget,
  };
}

/** Waits for everything handed to waitUntil so far, including what those promises add meanwhile. */
export async function settle(cx: TestContext): Promise<void> {
  while (cx.pending.length) await Promise.allSettled(cx.pending.splice(0));
}

export async function demoIndex(): Promise<ConfigIndex> {
  return indexConfig(await demoConfig());
}

/**
 * Resolves once `n` cache lookups of `cx` have completed (and what follows them synchronously has
 * run): for coalescing tests, the point where concurrent requests have either started a flight or
 * joined one. Observes the real lookup; changes nothing it does.
 */
export function lookupsCompleted(cx: TestContext): (n: number) => Promise<void> {
  let done = 0;
  const lookup = cx.responses.lookup.bind(cx.responses);
  cx.responses.lookup = async (url, now) => {
    const entry = await lookup(url, now);
    done++;
    return entry;
  };
  return async (n) => {
    while (done < n) await new Promise((r) => setTimeout(r, 5));
    // One more macrotask: the continuations after the last lookup (flight start or join) have run.
    await new Promise((r) => setTimeout(r, 0));
  };
}
