import { assertBlobKey, assertBlobPrefix, LIST_PAGE_MAX, listLimit, resolveRange, type BlobStore } from './store.ts';

/**
 * The part of workerd's `R2Bucket` this store calls. Declared here because the control plane is
 * typechecked against Node's and the DOM's types, not workerd's; the real binding
 * (`env.EXPORTS`, control-plane/wrangler.toml `[[r2_buckets]]`) has these methods with these shapes.
 */
export interface R2BucketBinding {
  head(key: string): Promise<{ size: number } | null>;
  get(key: string, options?: { range?: { offset: number; length: number } }): Promise<{ size: number; body: ReadableStream } | null>;
  put(key: string, value: ArrayBufferView): Promise<unknown>;
  delete(keys: string | string[]): Promise<void>;
  list(options?: { prefix?: string; cursor?: string; startAfter?: string; limit?: number }): Promise<{ objects: Array<{ key: string; size: number; uploaded: Date }>; truncated: boolean; cursor?: string }>;
}

/** The blob store as an R2 bucket binding (the Worker deployment). R2 commits a put whole or not at all. */
export function r2BlobStore(bucket: R2BucketBinding): BlobStore {
  return {
    async put(key, bytes) {
      assertBlobKey(key);
      await bucket.put(key, bytes);
    },

    async get(key, range) {
      assertBlobKey(key);
      if (!range) {
        const object = await bucket.get(key);
        return object && { size: object.size, offset: 0, length: object.size, body: object.body as ReadableStream<Uint8Array> };
      }
      // R2 answers a range past the end with an error of its own (or clips it); the size is needed
      // first so every store refuses the same ranges with the same error.
      const head = await bucket.head(key);
      if (!head) return null;
      const resolved = resolveRange(key, head.size, range);
      const object = await bucket.get(key, { range: resolved });
      return object && { size: object.size, ...resolved, body: object.body as ReadableStream<Uint8Array> };
    },

    async head(key) {
      assertBlobKey(key);
      const object = await bucket.head(key);
      return object && { size: object.size };
    },

    async deletePrefix(prefix) {
      assertBlobPrefix(prefix);
      let deleted = 0;
      // Deleting while listing shifts nothing: each page's keys are gone before the next is asked for from the start.
      for (;;) {
        const page = await bucket.list({ prefix, limit: LIST_PAGE_MAX });
        if (page.objects.length === 0) return deleted;
        await bucket.delete(page.objects.map((o) => o.key));
        deleted += page.objects.length;
        if (!page.truncated) return deleted;
      }
    },

    async list(prefix, options) {
      assertBlobPrefix(prefix);
      const limit = listLimit(options);
      if (options?.startAfter !== undefined) assertBlobPrefix(options.startAfter);
      const page = await bucket.list({ prefix, limit, ...(options?.startAfter !== undefined ? { startAfter: options.startAfter } : {}) });
      return { objects: page.objects.map((o) => ({ key: o.key, size: o.size, uploaded: o.uploaded })), truncated: page.truncated };
    },

    async delete(keys) {
      for (const key of keys) assertBlobKey(key);
      for (let i = 0; i < keys.length; i += LIST_PAGE_MAX) await bucket.delete(keys.slice(i, i + LIST_PAGE_MAX));
    },
  };
}
