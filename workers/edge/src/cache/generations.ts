import type { TenantGenerations } from '../generations/tenant-generations.ts';
import type { BumpResult, GenerationsRead } from '../generations/types.ts';

/**
 * How long an isolate may reuse generations it read from the tenant's Durable Object. A purge
 * becomes visible on every POP once the memos there expire, so this (plus one DO round trip)
 * bounds purge-to-visible; 250 ms keeps that well under the promised 1 s while sparing the DO a
 * round trip on most requests of a hot key.
 */
export const GENERATION_MEMO_MS = 250;
/**
 * Past this age a memo hit still answers, but starts one background read of the tenant's working
 * set, so under steady traffic the entries are renewed before they expire and no request waits on
 * the Durable Object. Half the memo leaves the read a round trip of up to 125 ms to land in time.
 */
export const REFRESH_AHEAD_MS = GENERATION_MEMO_MS / 2;
/** A tag asked for within this long is in the tenant's working set, which every read renews. */
export const WORKING_SET_MS = 2_000;
/** Most tags one read asks the Durable Object for (one SQL statement); beyond it, tags are read on demand. */
export const REFRESH_MAX_TAGS = 1_000;
/** A tenant's memo is dropped wholesale past this size: entries live 250 ms, so little is lost. */
const MEMO_MAX_TAGS = 10_000;

interface MemoEntry {
  gen: number;
  /** When the read that answered it was sent: its age bounds how stale it may be. */
  at: number;
  /** When a request last asked for it: whether it is still in the working set. */
  askedAt: number;
}

/** A Durable Object read on its way; requests whose tags it covers wait for it instead of sending their own. */
interface Flight {
  clears: number;
  issuedAt: number;
  tags: ReadonlySet<string>;
  read: Promise<GenerationsRead>;
}

interface TenantMemo {
  /** Incremented by every purge this isolate applies: reads that raced it must not memo. */
  clears: number;
  /** The Durable Object's storage epoch the entries were read under. */
  epoch: string | null;
  entries: Map<string, MemoEntry>;
  flight: Flight | null;
}

/** A memo answer, and the age of its oldest generation (what refresh-ahead looks at). */
export interface MemoHit {
  read: GenerationsRead;
  age: number;
}

/**
 * Isolate-wide memo of generations (one per isolate, see context.ts). Each generation is reused
 * for at most GENERATION_MEMO_MS after the read that fetched it was sent (docs/adr/0001). Reads
 * are per tenant, not per key: a read renews every tag of the tenant's working set in one round
 * trip, concurrent requests share it, and it is sent ahead of expiry. A tenant's object then
 * answers a few reads per second however many keys are hot; with a read per key and expiry, a hot
 * mix cost one read per key every 250 ms, each waited for by a request.
 */
export class GenerationMemo {
  private readonly tenants = new Map<string, TenantMemo>();

  lookup(tenant: string, tags: readonly string[], now: number): MemoHit | null {
    const m = this.tenants.get(tenant);
    if (!m?.epoch) return null;
    const generations: Record<string, number> = {};
    let oldest = now;
    for (const tag of tags) {
      const e = m.entries.get(tag);
      if (!e || now - e.at > GENERATION_MEMO_MS) return null;
      e.askedAt = now;
      if (e.at < oldest) oldest = e.at;
      generations[tag] = e.gen;
    }
    return { read: { epoch: m.epoch, generations }, age: now - oldest };
  }

  /**
   * What a read for `tags` asks for: those, then the rest of the tenant's working set, up to
   * REFRESH_MAX_TAGS. Tags no request asked for within WORKING_SET_MS are forgotten on the way.
   */
  refreshSet(tenant: string, tags: readonly string[], now: number): string[] {
    const wanted = new Set(tags);
    const m = this.tenants.get(tenant);
    if (m) {
      for (const [tag, e] of m.entries) {
        if (now - e.askedAt > WORKING_SET_MS) m.entries.delete(tag);
        else if (wanted.size < REFRESH_MAX_TAGS) wanted.add(tag);
      }
    }
    return [...wanted];
  }

  /**
   * A read already on its way that may answer `tags` at `now`: sent after this isolate's last purge,
   * at most GENERATION_MEMO_MS ago (what a memo entry of that age would give), covering every tag.
   */
  flight(tenant: string, tags: readonly string[], now: number): Promise<GenerationsRead> | null {
    const m = this.tenants.get(tenant);
    const f = m?.flight;
    if (!f || f.clears !== m.clears || now - f.issuedAt > GENERATION_MEMO_MS) return null;
    for (const tag of tags) if (!f.tags.has(tag)) return null;
    return f.read;
  }

  /** Whether a read for this tenant is on its way (refresh-ahead sends at most one at a time). */
  flying(tenant: string): boolean {
    return Boolean(this.tenants.get(tenant)?.flight);
  }

  /** Makes `read` the tenant's flight until it settles. */
  fly(tenant: string, clears: number, issuedAt: number, tags: readonly string[], read: Promise<GenerationsRead>): void {
    const m = this.memo(tenant);
    const f: Flight = { clears, issuedAt, tags: new Set(tags), read };
    m.flight = f;
    const land = () => {
      if (m.flight === f) m.flight = null;
    };
    read.then(land, land);
  }

  /** Taken before a read is sent and handed back to `remember`. */
  clears(tenant: string): number {
    return this.memo(tenant).clears;
  }

  /** `issuedAt` is when the read was sent, so the memo's age counts the round trip too. */
  remember(tenant: string, clears: number, read: GenerationsRead, issuedAt: number): void {
    const m = this.memo(tenant);
    if (m.clears !== clears) return;
    // Another epoch means other storage: nothing memoized under the old one still holds.
    if (m.entries.size > MEMO_MAX_TAGS || m.epoch !== read.epoch) m.entries.clear();
    m.epoch = read.epoch;
    for (const [tag, gen] of Object.entries(read.generations)) {
      const e = m.entries.get(tag);
      if (!e) m.entries.set(tag, { gen, at: issuedAt, askedAt: issuedAt });
      // A read sent earlier but answered later must not replace a newer answer.
      else if (e.at <= issuedAt) {
        e.gen = gen;
        e.at = issuedAt;
      }
    }
  }

  clear(tenant: string): void {
    const m = this.memo(tenant);
    m.clears++;
    m.entries.clear();
    m.flight = null;
  }

  private memo(tenant: string): TenantMemo {
    let m = this.tenants.get(tenant);
    if (!m) {
      m = { clears: 0, epoch: null, entries: new Map(), flight: null };
      this.tenants.set(tenant, m);
    }
    return m;
  }
}

/** Reads and bumps a tenant's generations through its Durable Object, with the isolate memo in front. */
export class GenerationsClient {
  constructor(
    private readonly memo: GenerationMemo,
    private readonly ns: DurableObjectNamespace<TenantGenerations>,
    /** Keeps a refresh-ahead read alive past the request that started it (the request's waitUntil). */
    private readonly waitUntil: (p: Promise<unknown>) => void = () => {},
  ) {}

  /**
   * The memo's answer when it has every tag, without waiting: the hot path's common case. A hit
   * past REFRESH_AHEAD_MS starts the background read that renews the tenant's working set.
   */
  cached(tenant: string, tags: readonly string[]): GenerationsRead | null {
    const now = Date.now();
    const hit = this.memo.lookup(tenant, tags, now);
    if (!hit) return null;
    if (hit.age > REFRESH_AHEAD_MS && !this.memo.flying(tenant)) {
      // A failed renewal changes nothing: the entries expire on time and the next miss reads again.
      this.waitUntil(this.fetch(tenant, tags, now).catch((err: unknown) => console.error('edge: generations refresh failed', String(err))));
    }
    return hit.read;
  }

  /** Generations of `tags` (the answer may carry more tags; digests pick theirs by name). */
  read(tenant: string, tags: readonly string[]): Promise<GenerationsRead> {
    const memoized = this.cached(tenant, tags);
    if (memoized) return Promise.resolve(memoized);
    const issuedAt = Date.now();
    return this.memo.flight(tenant, tags, issuedAt) ?? this.fetch(tenant, tags, issuedAt);
  }

  async bump(tenant: string, purgeId: string, tags: string[]): Promise<BumpResult> {
    try {
      return await this.stub(tenant).bump(purgeId, tags);
    } finally {
      this.memo.clear(tenant);
    }
  }

  /** One read of `tags` and the tenant's working set, shared with requests it covers, then memoized. */
  private fetch(tenant: string, tags: readonly string[], issuedAt: number): Promise<GenerationsRead> {
    const clears = this.memo.clears(tenant);
    const wanted = this.memo.refreshSet(tenant, tags, issuedAt);
    const read = this.stub(tenant)
      .read(wanted)
      .then((fresh) => {
        this.memo.remember(tenant, clears, fresh, issuedAt);
        return fresh;
      });
    this.memo.fly(tenant, clears, issuedAt, wanted, read);
    return read;
  }

  private stub(tenant: string): DurableObjectStub<TenantGenerations> {
    return this.ns.get(this.ns.idFromName(tenant));
  }
}
