import type { CacheStatus } from '@conductor/schema/contracts/metrics';
import { HotEntries, type HotEntry } from './hot-entries.ts';

/** Headers kept on the stored copy; the client gets the origin's own cache-control back on a hit. */
const STORED_AT = 'x-conductor-stored-at';
const EXPIRES_AT = 'x-conductor-expires-at';
const RETAIN_UNTIL = 'x-conductor-retain-until';
const ORIGIN_CACHE_CONTROL = 'x-conductor-origin-cache-control';

export interface StoredBody {
  body: string;
  contentType: string;
  originCacheControl: string | null;
  bytes: number;
}

const decoder = new TextDecoder();

/**
 * Two tiers under one URL: isolate memory (hot entries), then the data centre's Cache API.
 * Entries are kept past their TTL for the stale windows; `lookup` returns them with their times
 * and the caller decides fresh or stale (stale-policy.ts).
 */
export class ResponseCache {
  constructor(
    private readonly cache: Cache,
    private readonly hotEntries: HotEntries,
  ) {}

  /** The isolate-memory tier alone, without an await: a warm hit's whole lookup. */
  hot(url: string, now: number): HotEntry | null {
    return this.hotEntries.get(url, now);
  }

  async lookup(url: string, now: number): Promise<HotEntry | null> {
    const hot = this.hotEntries.get(url, now);
    if (hot) return hot;
    let hit: Response | undefined;
    try {
      hit = await this.cache.match(url);
    } catch (err) {
      console.error('edge: cache read failed, treating as a miss', String(err));
      return null;
    }
    if (!hit) return null;
    const raw = await hit.arrayBuffer();
    const storedAt = finiteOr(hit.headers.get(STORED_AT), now);
    const expiresAt = finiteOr(hit.headers.get(EXPIRES_AT), now);
    const entry: HotEntry = {
      body: decoder.decode(raw),
      contentType: hit.headers.get('content-type') ?? 'application/json',
      originCacheControl: hit.headers.get(ORIGIN_CACHE_CONTROL),
      bytes: raw.byteLength,
      storedAt,
      expiresAt,
      // Entries written before stale windows existed carry no retention: their TTL is all they have.
      retainUntil: finiteOr(hit.headers.get(RETAIN_UNTIL), expiresAt),
    };
    // The Cache API may keep a copy a little past its max-age; our own clock decides.
    if (entry.retainUntil <= now) return null;
    this.hotEntries.set(url, entry);
    return entry;
  }

  /**
   * Puts the entry into the hot tier at once (so the next request of this isolate hits) and
   * returns it with the Cache API write, which the caller hands to waitUntil.
   */
  store(url: string, stored: StoredBody, ttlSeconds: number, retainSeconds: number, now: number): { entry: HotEntry; written: Promise<void> } {
    const entry: HotEntry = { ...stored, storedAt: now, expiresAt: now + ttlSeconds * 1000, retainUntil: now + retainSeconds * 1000 };
    this.hotEntries.set(url, entry);
    const headers: Record<string, string> = {
      'content-type': stored.contentType,
      'cache-control': `public, max-age=${retainSeconds}`,
      [STORED_AT]: String(entry.storedAt),
      [EXPIRES_AT]: String(entry.expiresAt),
      [RETAIN_UNTIL]: String(entry.retainUntil),
    };
    if (stored.originCacheControl) headers[ORIGIN_CACHE_CONTROL] = stored.originCacheControl;
    const written = this.cache.put(url, new Response(stored.body, { status: 200, headers })).catch((err: unknown) => {
      console.error('edge: cache write failed', String(err));
    });
    return { entry, written };
  }
}

/** A client response from a stored entry; `extra` adds headers (the stale markers). */
export function entryResponse(entry: HotEntry, xCache: CacheStatus, now: number, extra?: Record<string, string>): Response {
  // A plain object, not a Headers instance built and then mutated: this runs on every hit.
  const headers: Record<string, string> = {
    'content-type': entry.contentType,
    'x-cache': xCache,
    age: String(Math.max(0, Math.floor((now - entry.storedAt) / 1000))),
    ...extra,
  };
  if (entry.originCacheControl) headers['cache-control'] = entry.originCacheControl;
  return new Response(entry.body, { status: 200, headers });
}

function finiteOr(header: string | null, fallback: number): number {
  const n = Number(header ?? NaN);
  return Number.isFinite(n) ? n : fallback;
}
