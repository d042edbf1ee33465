import type { JWTVerifyGetKey } from 'jose';
import { controlPlaneKeys } from './auth/jwks.ts';
import { VerifiedTokens } from './auth/verified-tokens.ts';
import { GenerationMemo, GenerationsClient } from './cache/generations.ts';
import { HotEntries } from './cache/hot-entries.ts';
import { InFlight, type FlightResult } from './cache/in-flight.ts';
import { ResponseCache } from './cache/response-cache.ts';
import { PulledConfig, type ConfigSource } from './config/config-store.ts';
import { LiveEntriesClient } from './generations/live-entries-client.ts';
import { CachedDocumentRegistry, type DocumentRegistry } from './graphql/document-registry.ts';
import { metricsShipper } from './metrics/flush.ts';
import { MetricsRecorder } from './metrics/recorder.ts';
import { OriginClient, type Fetch } from './origin/forward.ts';
import { edgeSettings, type EdgeSettings } from './settings.ts';

/**
 * Everything a handler does I/O through. `edgeContext` wires the production parts; the workerd
 * tests wire the same parts with a fixed config, a local key set and a test origin.
 */
export interface EdgeContext {
  settings: EdgeSettings;
  config: ConfigSource;
  keys: JWTVerifyGetKey;
  verifiedTokens: VerifiedTokens;
  generations: GenerationsClient;
  /** Reports stored entries and counts live ones, for purge dry runs (not on the hit path). */
  liveEntries: LiveEntriesClient;
  responses: ResponseCache;
  /** Origin fetches in progress per cache URL: coalescing and single background refreshes. */
  inFlight: InFlight<FlightResult>;
  origin: OriginClient;
  documents: DocumentRegistry;
  metrics: MetricsRecorder;
  /** Ships buffered metrics (via waitUntil) when a flush is due; cheap to call after every record. */
  shipMetrics: () => void;
  waitUntil: (p: Promise<unknown>) => void;
}

// Isolate-wide state: what keeps the hot path free of per-request setup and I/O.
const memo = new GenerationMemo();
const verifiedTokens = new VerifiedTokens();
const hotEntries = new HotEntries();
const inFlight = new InFlight<FlightResult>();
const metrics = new MetricsRecorder();
const configs = new Map<string, PulledConfig>();
const globalFetch: Fetch = (input, init) => fetch(input, init);
let documents: CachedDocumentRegistry | null = null;
let responses: ResponseCache | null = null;
let liveEntries: LiveEntriesClient | null = null;
let origin: { settings: EdgeSettings; client: OriginClient } | null = null;

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
  liveEntries ??= new LiveEntriesClient(env.GENERATIONS);
  if (origin?.settings !== settings) origin = { settings, client: new OriginClient(settings.originUrl, settings.originTimeoutMs, globalFetch) };
  const waitUntil = (p: Promise<unknown>) => ctx.waitUntil(p);
  return {
    settings,
    config,
    keys: controlPlaneKeys(settings.controlPlaneUrl),
    verifiedTokens,
    generations: new GenerationsClient(memo, env.GENERATIONS),
    liveEntries,
    responses,
    inFlight,
    origin: origin.client,
    documents,
    metrics,
    shipMetrics: metricsShipper(
      metrics,
      { controlPlaneUrl: settings.controlPlaneUrl, token: settings.controlPlaneToken, fetch: globalFetch },
      settings.metricsFlushMs,
      waitUntil,
    ),
    waitUntil,
  };
}
