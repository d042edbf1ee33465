import type { JWTVerifyGetKey } from 'jose';
import { controlPlaneKeys } from './auth/jwks.ts';
import { VerifiedTokens } from './auth/verified-tokens.ts';
import { GenerationMemo, GenerationsClient } from './cache/generations.ts';
import { HotEntries } from './cache/hot-entries.ts';
import { ResponseCache } from './cache/response-cache.ts';
import { PulledConfig, type ConfigSource } from './config/config-store.ts';
import { CachedDocumentRegistry, type DocumentRegistry } from './graphql/document-registry.ts';
import { edgeSettings, type EdgeSettings } from './settings.ts';

/**
 * Everything a handler does I/O through. `edgeContext` wires the production parts; the workerd
 * tests wire the same parts with a fixed config and a local key set.
 */
export interface EdgeContext {
  settings: EdgeSettings;
  config: ConfigSource;
  keys: JWTVerifyGetKey;
  verifiedTokens: VerifiedTokens;
  generations: GenerationsClient;
  responses: ResponseCache;
  documents: DocumentRegistry;
  waitUntil: (p: Promise<unknown>) => void;
}

// Isolate-wide state: what keeps the hot path free of per-request setup and I/O.
const memo = new GenerationMemo();
const verifiedTokens = new VerifiedTokens();
const hotEntries = new HotEntries();
const configs = new Map<string, PulledConfig>();
let documents: CachedDocumentRegistry | null = null;
let responses: ResponseCache | null = null;

export function edgeContext(env: Env, ctx: ExecutionContext): EdgeContext {
  const settings = edgeSettings(env);
  const configKey = `${settings.controlPlaneUrl} ${settings.controlPlaneToken}`;
  let config = configs.get(configKey);
  if (!config) {
    config = new PulledConfig(settings.controlPlaneUrl, settings.controlPlaneToken);
    configs.set(configKey, config);
  }
  documents ??= new CachedDocumentRegistry(caches.default);
  responses ??= new ResponseCache(caches.default, hotEntries);
  return {
    settings,
    config,
    keys: controlPlaneKeys(settings.controlPlaneUrl),
    verifiedTokens,
    generations: new GenerationsClient(memo, env.GENERATIONS),
    responses,
    documents,
    waitUntil: (p) => ctx.waitUntil(p),
  };
}
