import type { EdgeOperation } from '@conductor/schema/contracts/edge-config';
import type { CacheStatus } from '@conductor/schema/contracts/metrics';
import type { HotEntry } from '../cache/hot-entries.ts';
import type { FlightResult } from '../cache/in-flight.ts';
import { entryResponse } from '../cache/response-cache.ts';
import { entryState, retentionSeconds } from '../cache/stale-policy.ts';
import { isStorable, parseJsonOrUndefined } from '../cache/storable.ts';
import type { EdgeContext } from '../context.ts';
import type { GenerationsRead } from '../generations/types.ts';
import type { RequestTrace } from '../metrics/observe.ts';
import { originResponse, type OriginAnswer, type OriginRequest } from '../origin/forward.ts';

/** What a cache URL was computed from: the tenant, the entry's tags and a generations read covering them. */
export interface UrlSource {
  tenant: string;
  tags: readonly string[];
  /** May carry more tags than `tags` (a read renews the tenant's working set). */
  read: GenerationsRead;
}

interface FillOutcome {
  result: FlightResult;
  answer?: OriginAnswer;
  error?: unknown;
}

/** Marks a stale answer and says why (RFC 7234's warn-codes, kept for clients that still read them). */
const STALE_HEADERS = {
  revalidating: { 'x-conductor-stale': 'revalidating', warning: '110 - "Response is Stale"' },
  'origin-error': { 'x-conductor-stale': 'origin-error', warning: '111 - "Revalidation Failed"' },
} as const;

/**
 * The read path for a cacheable operation, once its cache URL is known. `url` was fixed from the
 * generations read BEFORE any origin fetch, and fills are stored under it: a fill that began
 * before a purge lands under a URL no read after the purge computes. The same holds for stale
 * entries: after a purge they are unreachable, so stale serving never undoes a purge.
 * `source` (what `url` was computed from) is only used by a fill, to report the stored entry for
 * purge dry runs.
 */
export async function readThrough(
  cx: EdgeContext,
  url: string,
  op: EdgeOperation,
  originReq: OriginRequest,
  trace: RequestTrace,
  source: UrlSource,
): Promise<Response> {
  const now = Date.now();
  const entry = cx.responses.hot(url, now) ?? (await cx.responses.lookup(url, now));
  const state = entry ? entryState(entry.expiresAt, op, now) : 'expired';
  if (entry && state === 'fresh') return fromEntry(trace, entry, 'HIT', now);
  if (entry && state === 'stale-while-revalidate') {
    // At most one refresh per URL per isolate: a refresh (or a miss) already in flight will do.
    if (!cx.inFlight.get(url)) cx.waitUntil(cx.inFlight.start(url, async () => (await fill(cx, url, op, originReq, null, source)).result));
    return fromEntry(trace, entry, 'STALE', now, STALE_HEADERS.revalidating);
  }
  const fallback = state === 'stale-if-error' ? entry : null;
  trace.status = 'MISS';

  const flight = cx.inFlight.get(url);
  if (flight) {
    const shared = await flight;
    if (shared.kind === 'stored') return fromEntry(trace, shared.entry, 'COALESCED', Date.now());
    if (shared.kind === 'origin-failed' && fallback) return fromEntry(trace, fallback, 'STALE', Date.now(), STALE_HEADERS['origin-error']);
    // The leader's answer was its own: ask the origin ourselves, without a flight of our own.
    return respond(await fill(cx, url, op, originReq, trace, source), fallback, trace);
  }
  let outcome!: FillOutcome;
  const leading = cx.inFlight.start(url, async () => (outcome = await fill(cx, url, op, originReq, trace, source)).result);
  // Waiters depend on this flight: it must outlive this request even if its client goes away.
  cx.waitUntil(leading);
  await leading;
  return respond(outcome, fallback, trace);
}

/** Asks the origin and stores a storable answer; never throws (the failure is in the outcome). */
async function fill(
  cx: EdgeContext,
  url: string,
  op: EdgeOperation,
  originReq: OriginRequest,
  trace: RequestTrace | null,
  source: UrlSource,
): Promise<FillOutcome> {
  const started = Date.now();
  let answer: OriginAnswer;
  try {
    answer = await cx.origin.forward(originReq);
  } catch (error) {
    return { result: { kind: 'origin-failed' }, error };
  } finally {
    // A background refresh is no client's latency: only a request's own fetch is traced.
    if (trace) trace.originMs = Date.now() - started;
  }
  if (answer.status >= 500) return { result: { kind: 'origin-failed' }, answer };
  if (!isStorable(answer.status, answer.cacheControl, parseJsonOrUndefined(answer.body), op.ttlSeconds)) {
    return { result: { kind: 'not-shared' }, answer };
  }
  const stored = { body: answer.body, contentType: answer.contentType, originCacheControl: answer.cacheControl, bytes: answer.bytes };
  const { entry, written } = cx.responses.store(url, stored, op.ttlSeconds, retentionSeconds(op), Date.now());
  cx.waitUntil(written);
  // Off the response path: purge dry runs count live entries from these reports (docs/adr/0009).
  cx.liveEntries.recordFill(
    source.tenant,
    { url, opId: op.id, epoch: source.read.epoch, generations: ownGenerations(source), retainUntil: entry.retainUntil },
    cx.waitUntil,
  );
  return { result: { kind: 'stored', entry }, answer };
}

/** The generations of the entry's own tags: a tag it does not carry must not make a purge count it. */
function ownGenerations(source: UrlSource): Record<string, number> {
  const own: Record<string, number> = {};
  for (const tag of source.tags) own[tag] = source.read.generations[tag] ?? 0;
  return own;
}

/** The origin's answer, or the stale-if-error entry when the origin failed or answered 5xx. */
function respond(outcome: FillOutcome, fallback: HotEntry | null, trace: RequestTrace): Response {
  if (fallback && outcome.result.kind === 'origin-failed') {
    return fromEntry(trace, fallback, 'STALE', Date.now(), STALE_HEADERS['origin-error']);
  }
  if (!outcome.answer) throw outcome.error;
  trace.bytes = outcome.answer.bytes;
  return originResponse(outcome.answer, 'MISS');
}

function fromEntry(trace: RequestTrace, entry: HotEntry, xCache: CacheStatus, now: number, extra?: Record<string, string>): Response {
  trace.status = xCache;
  trace.bytes = entry.bytes;
  return entryResponse(entry, xCache, now, extra);
}
