import type { JWTVerifyGetKey } from 'jose';
import { controlPlaneKeys } from './auth/jwks.ts';
import { VerifiedTokens } from './auth/verified-tokens.ts';
import { GenerationMemo, GenerationsClient } from './cache/generations.ts';
import { HotEntries } from './cache/hot-entries.ts';
import { InFlight, type FlightResult } from './cache/in-flight.ts';
import { ReadPlans } from './cache/read-plans.ts';
import { ResponseCache } from './cache/response-cache.ts';
import { PulledConfig, type ConfigSource } from './config/config-store.ts';
import { LiveEntriesClient } from './generations/live-entries-client.ts';
import { CachedDocumentRegistry, type DocumentRegistry } from './graphql/document-registry.ts';
import { ParsedRequests } from './graphql/parsed-requests.ts';
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
  /** Requests already parsed, by their exact bytes (graphql/parsed-requests.ts). */
  parsedRequests: ParsedRequests;
  /** Cache key, tags and last cache URL per parsed request, tenant, region and user (cache/read-plans.ts). */
  readPlans: ReadPlans;
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
const parsedRequests = new ParsedRequests();
const readPlans = new ReadPlans();
const globalFetch: Fetch = (input, init) => fetch(input, init);
// Config stores outlive a change of bindings object: keyed by where and as whom they pull.
const configs = new Map<string, PulledConfig>();

/** What one set of bindings wires, once: a request adds only its own waitUntil. */
interface Wired {
  settings: EdgeSettings;
  config: PulledConfig;
  keys: JWTVerifyGetKey;
  responses: ResponseCache;
  origin: OriginClient;
  documents: DocumentRegistry;
  liveEntries: LiveEntriesClient;
  ship: (waitUntil: (p: Promise<unknown>) => void) => () => void;
}

let wired: { env: Env; parts: Wired } | null = null;

export function edgeContext(env: Env, ctx: ExecutionContext): EdgeContext {
  if (wired?.env !== env) wired = { env, parts: wire(env) };
  const parts = wired.parts;
  const waitUntil = (p: Promise<unknown>) => ctx.waitUntil(p);
  return {
    settings: parts.settings,
    config: parts.config,
    keys: parts.keys,
    verifiedTokens,
    generations: new GenerationsClient(memo, env.GENERATIONS, waitUntil),
    liveEntries: parts.liveEntries,
    responses: parts.responses,
    inFlight,
    origin: parts.origin,
    documents: parts.documents,
    parsedRequests,
    readPlans,
    metrics,
    shipMetrics: parts.ship(waitUntil),
    waitUntil,
  };
}

function wire(env: Env): Wired {
  const settings = edgeSettings(env);
  const target = { controlPlaneUrl: settings.controlPlaneUrl, token: settings.controlPlaneToken, fetch: globalFetch };
  const configKey = `${settings.controlPlaneUrl} ${settings.controlPlaneToken}`;
  let config = configs.get(configKey);
  if (!config) {
    config = new PulledConfig(settings.controlPlaneUrl, settings.controlPlaneToken);
    configs.set(configKey, config);
  }
  return {
    settings,
    config,
    keys: controlPlaneKeys(settings.controlPlaneUrl),
    responses: new ResponseCache(caches.default, hotEntries),
    origin: new OriginClient(settings.originUrl, settings.originTimeoutMs, globalFetch),
    documents: new CachedDocumentRegistry(caches.default),
    liveEntries: new LiveEntriesClient(env.GENERATIONS),
    ship: (waitUntil) => metricsShipper(metrics, target, settings.metricsFlushMs, waitUntil),
  };
}
