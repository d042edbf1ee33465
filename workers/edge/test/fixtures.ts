import { env } from 'cloudflare:workers';
import { createLocalJWKSet, exportJWK, generateKeyPair, type JWK } from 'jose';
import { JWT_ALG } from '../../../schema/contracts/auth.ts';
import type { EdgeConfig } from '../../../schema/contracts/edge-config.ts';
import { documentId } from '../../../sdk/src/core/hash.ts';
import { mintToken, type MintOptions } from '../../../control-plane/src/auth/tokens.ts';
import manifest from '../../../examples/origin/persisted-operations.json';
import policy from '../../../examples/origin/cache-policy.json';
import { VerifiedTokens } from '../src/auth/verified-tokens.ts';
import { GenerationMemo, GenerationsClient } from '../src/cache/generations.ts';
import { HotEntries } from '../src/cache/hot-entries.ts';
import { ResponseCache } from '../src/cache/response-cache.ts';
import { indexConfig, type ConfigIndex } from '../src/config/config-index.ts';
import type { EdgeContext } from '../src/context.ts';
import { CachedDocumentRegistry } from '../src/graphql/document-registry.ts';
import { edgeSettings } from '../src/settings.ts';

/** The demo config `npm start` seeds, built the way the control plane serves it. */
export async function demoConfig(): Promise<EdgeConfig> {
  const ops = policy.operations as Record<string, { ttlSeconds: number; scope: 'tenant' | 'user' }>;
  const safelist = await Promise.all(
    manifest.operations.map(async (op) => ({
      id: await documentId(op.body),
      name: op.name,
      document: op.body,
      operationType: op.type as 'query' | 'mutation',
      ttlSeconds: ops[op.name]?.ttlSeconds ?? 0,
      scope: ops[op.name]?.scope ?? 'tenant',
      variables: [...op.body.matchAll(/\$(\w+):/g)].map((m) => m[1]!),
    })),
  );
  return {
    version: 'test-1',
    generatedAt: new Date(0).toISOString(),
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
}

/** The production context with a fixed config and a local key set instead of the control plane. */
export async function testContext(index: ConfigIndex, keys: Signer['keys']): Promise<TestContext> {
  const pending: Promise<unknown>[] = [];
  return {
    settings: edgeSettings(env),
    config: { get: async () => index },
    keys,
    verifiedTokens: new VerifiedTokens(),
    generations: new GenerationsClient(new GenerationMemo(), env.GENERATIONS),
    responses: new ResponseCache(await caches.open(`test-${crypto.randomUUID()}`), new HotEntries()),
    documents: new CachedDocumentRegistry(await caches.open(`test-apq-${crypto.randomUUID()}`)),
    waitUntil: (p) => pending.push(p),
    pending,
  };
}

export async function demoIndex(): Promise<ConfigIndex> {
  return indexConfig(await demoConfig());
}
