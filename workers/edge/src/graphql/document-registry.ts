import { CACHE_URL_BASE } from '../cache/keyer.ts';

/** APQ registrations live for a day; clients re-register on PersistedQueryNotFound anyway. */
const REGISTRATION_TTL_SECONDS = 86_400;
const MEMORY_ENTRIES = 512;

/** Documents registered through APQ, scoped per tenant so one tenant's documents are invisible to another. */
export interface DocumentRegistry {
  get(tenant: string, hash: string): Promise<string | undefined>;
  put(tenant: string, hash: string, document: string, waitUntil: (p: Promise<unknown>) => void): void;
}

/**
 * An isolate LRU in front of the Cache API: the LRU answers the hot case without I/O, the Cache API
 * shares registrations between isolates of the same data center.
 */
export class CachedDocumentRegistry implements DocumentRegistry {
  private readonly memory = new Map<string, string>();

  constructor(private readonly cache: Cache) {}

  async get(tenant: string, hash: string): Promise<string | undefined> {
    const k = `${tenant}/${hash}`;
    const hit = this.memory.get(k);
    if (hit !== undefined) {
      this.remember(k, hit);
      return hit;
    }
    const res = await this.cache.match(url(tenant, hash));
    if (!res) return undefined;
    const doc = await res.text();
    this.remember(k, doc);
    return doc;
  }

  put(tenant: string, hash: string, document: string, waitUntil: (p: Promise<unknown>) => void): void {
    const k = `${tenant}/${hash}`;
    if (this.memory.has(k)) return;
    this.remember(k, document);
    const res = new Response(document, {
      headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': `max-age=${REGISTRATION_TTL_SECONDS}` },
    });
    waitUntil(this.cache.put(url(tenant, hash), res));
  }

  private remember(k: string, doc: string): void {
    this.memory.delete(k);
    this.memory.set(k, doc);
    if (this.memory.size > MEMORY_ENTRIES) this.memory.delete(this.memory.keys().next().value!);
  }
}

function url(tenant: string, hash: string): string {
  return `${CACHE_URL_BASE}apq/${tenant}/${hash}`;
}
