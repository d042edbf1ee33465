import type { TenantGenerations } from '../generations/tenant-generations.ts';
import type { BumpResult, GenerationsRead } from '../generations/types.ts';

/**
 * How long an isolate may reuse generations it read from the tenant's Durable Object. A purge
 * becomes visible on every POP once the memos there expire, so this (plus one DO round trip)
 * bounds purge-to-visible; 250 ms keeps that well under the promised 1 s while sparing the DO a
 * round trip on most requests of a hot key.
 */
export const GENERATION_MEMO_MS = 250;
/** A tenant's memo is dropped wholesale past this size: entries live 250 ms, so little is lost. */
const MEMO_MAX_TAGS = 10_000;

interface TenantMemo {
  /** Incremented by every purge this isolate applies: reads that raced it must not memo. */
  clears: number;
  /** The Durable Object's storage epoch the entries were read under. */
  epoch: string | null;
  entries: Map<string, { gen: number; at: number }>;
}

/** Isolate-wide memo of generations (one per isolate, see index.ts). */
export class GenerationMemo {
  private readonly tenants = new Map<string, TenantMemo>();

  lookup(tenant: string, tags: readonly string[], now: number): GenerationsRead | null {
    const m = this.tenants.get(tenant);
    if (!m?.epoch) return null;
    const generations: Record<string, number> = {};
    for (const tag of tags) {
      const e = m.entries.get(tag);
      if (!e || now - e.at > GENERATION_MEMO_MS) return null;
      generations[tag] = e.gen;
    }
    return { epoch: m.epoch, generations };
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
    for (const [tag, gen] of Object.entries(read.generations)) m.entries.set(tag, { gen, at: issuedAt });
  }

  clear(tenant: string): void {
    const m = this.memo(tenant);
    m.clears++;
    m.entries.clear();
  }

  private memo(tenant: string): TenantMemo {
    let m = this.tenants.get(tenant);
    if (!m) {
      m = { clears: 0, epoch: null, entries: new Map() };
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
  ) {}

  async read(tenant: string, tags: string[]): Promise<GenerationsRead> {
    const issuedAt = Date.now();
    const memoized = this.memo.lookup(tenant, tags, issuedAt);
    if (memoized) return memoized;
    const clears = this.memo.clears(tenant);
    const fresh = await this.stub(tenant).read(tags);
    this.memo.remember(tenant, clears, fresh, issuedAt);
    return fresh;
  }

  async bump(tenant: string, purgeId: string, tags: string[]): Promise<BumpResult> {
    try {
      return await this.stub(tenant).bump(purgeId, tags);
    } finally {
      this.memo.clear(tenant);
    }
  }

  private stub(tenant: string): DurableObjectStub<TenantGenerations> {
    return this.ns.get(this.ns.idFromName(tenant));
  }
}
