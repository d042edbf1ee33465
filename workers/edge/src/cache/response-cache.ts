import { HotEntries, type HotEntry } from './hot-entries.ts';

/** Headers kept on the stored copy; the client gets the origin's own cache-control back on a hit. */
const STORED_AT = 'x-conductor-stored-at';
const EXPIRES_AT = 'x-conductor-expires-at';
const ORIGIN_CACHE_CONTROL = 'x-conductor-origin-cache-control';

export interface StoredBody {
  body: string;
  contentType: string;
  originCacheControl: string | null;
}

/** Two tiers under one URL: isolate memory (hot entries), then the data centre's Cache API. */
export class ResponseCache {
  constructor(
    private readonly cache: Cache,
    private readonly hot: HotEntries,
  ) {}

  async lookup(url: string, now: number): Promise<Response | null> {
    const hot = this.hot.get(url, now);
    if (hot) return hitResponse(hot, now);
    let hit: Response | undefined;
    try {
      hit = await this.cache.match(url);
    } catch (err) {
      console.error('edge: cache read failed, treating as a miss', String(err));
      return null;
    }
    if (!hit) return null;
    const storedAt = Number(hit.headers.get(STORED_AT));
    const expiresAt = Number(hit.headers.get(EXPIRES_AT));
    const entry: HotEntry = {
      body: await hit.text(),
      contentType: hit.headers.get('content-type') ?? 'application/json',
      originCacheControl: hit.headers.get(ORIGIN_CACHE_CONTROL),
      storedAt: Number.isFinite(storedAt) ? storedAt : now,
      expiresAt: Number.isFinite(expiresAt) ? expiresAt : now,
    };
    this.hot.set(url, entry);
    return hitResponse(entry, now);
  }

  async store(url: string, stored: StoredBody, ttlSeconds: number, now: number): Promise<void> {
    const expiresAt = now + ttlSeconds * 1000;
    this.hot.set(url, { ...stored, storedAt: now, expiresAt });
    const headers = new Headers({
      'content-type': stored.contentType,
      'cache-control': `public, max-age=${ttlSeconds}`,
      [STORED_AT]: String(now),
      [EXPIRES_AT]: String(expiresAt),
    });
    if (stored.originCacheControl) headers.set(ORIGIN_CACHE_CONTROL, stored.originCacheControl);
    try {
      await this.cache.put(url, new Response(stored.body, { status: 200, headers }));
    } catch (err) {
      console.error('edge: cache write failed', String(err));
    }
  }
}

function hitResponse(entry: HotEntry, now: number): Response {
  const headers = new Headers({
    'content-type': entry.contentType,
    'x-cache': 'HIT',
    age: String(Math.max(0, Math.floor((now - entry.storedAt) / 1000))),
  });
  if (entry.originCacheControl) headers.set('cache-control', entry.originCacheControl);
  return new Response(entry.body, { status: 200, headers });
}
