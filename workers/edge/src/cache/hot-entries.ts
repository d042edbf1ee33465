/**
 * The isolate-memory tier in front of the Cache API (docs/adr/0001, the tiered cache unkey's API
 * keeps): a hot key is answered without a Cache API round trip. It needs no invalidation of its
 * own: entries are stored under the same URL as the Cache API copy, and that URL carries the
 * generation digest, so after a purge no read computes the old URL again. Bounded by entry count
 * and bytes; least recently used goes first. An entry is returned until `retainUntil`, stale or
 * not: whether a stale entry may be served is the caller's decision (stale-policy.ts).
 */
export interface HotEntry {
  body: string;
  contentType: string;
  originCacheControl: string | null;
  /** UTF-8 length of `body`, counted once when the entry is made. */
  bytes: number;
  storedAt: number;
  /** Fresh until then (the operation's TTL); stale after, see stale-policy.ts. */
  expiresAt: number;
  /** Kept until then for stale serving: TTL + max(stale-while-revalidate, stale-if-error). */
  retainUntil: number;
}

export const HOT_MAX_ENTRIES = 2_000;
export const HOT_MAX_BYTES = 32 * 1024 * 1024;
/** One large body must not flush the whole tier. */
const HOT_MAX_ENTRY_BYTES = 256 * 1024;

export class HotEntries {
  private readonly entries = new Map<string, HotEntry>();
  private bytes = 0;

  constructor(
    private readonly maxEntries = HOT_MAX_ENTRIES,
    private readonly maxBytes = HOT_MAX_BYTES,
  ) {}

  get(url: string, now: number): HotEntry | null {
    const entry = this.entries.get(url);
    if (!entry) return null;
    this.remove(url, entry);
    if (entry.retainUntil <= now) return null;
    // Re-inserting moves the entry to the end of the Map's order: the most recently used.
    this.entries.set(url, entry);
    this.bytes += entry.body.length;
    return entry;
  }

  set(url: string, entry: HotEntry): void {
    if (entry.body.length > HOT_MAX_ENTRY_BYTES) return;
    const old = this.entries.get(url);
    if (old) this.remove(url, old);
    this.entries.set(url, entry);
    this.bytes += entry.body.length;
    for (const [oldest, e] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      this.remove(oldest, e);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  private remove(url: string, entry: HotEntry): void {
    this.entries.delete(url);
    this.bytes -= entry.body.length;
  }
}
