import { describe, expect, it } from 'vitest';
import { BlobRangeError, type BlobStore } from './store.ts';

/*
 * The one contract every blob store passes (store.ts): fs.test.ts runs it against a directory in
 * Node, r2.workerd.test.ts against a Miniflare R2 bucket inside workerd. Keys are unique per test,
 * so it needs no fresh store per test and holds whatever storage isolation the runtime gives.
 */

export async function readAll(body: ReadableStream<Uint8Array>): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await new Response(body).arrayBuffer());
}

async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  return Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
}

// Deterministic bytes with every octet value, so nothing text-shaped is assumed.
function bytesOf(length: number, seed = 1): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

export function blobStoreContract(name: string, store: () => BlobStore): void {
  let n = 0;
  const ns = () => `contract/${Date.now().toString(36)}-${(n++).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

  describe(`blob store contract: ${name}`, () => {
    it('stores bytes under a key and gives back the same bytes, size and head; an absent key is null', async () => {
      const s = store();
      const key = `${ns()}/chunk`;
      expect(await s.get(key)).toBeNull();
      expect(await s.head(key)).toBeNull();
      const bytes = bytesOf(70_001);
      await s.put(key, bytes);
      expect(await s.head(key)).toEqual({ size: 70_001 });
      const got = await s.get(key);
      expect(got).toMatchObject({ size: 70_001, offset: 0, length: 70_001 });
      expect(await readAll(got!.body)).toEqual(bytes);
    });

    it('round-trips a multi-megabyte object byte for byte', async () => {
      const s = store();
      const key = `${ns()}/big`;
      const bytes = bytesOf(3 * 1024 * 1024 + 7, 42);
      await s.put(key, bytes);
      const got = await s.get(key);
      expect(await sha256(await readAll(got!.body))).toBe(await sha256(bytes));
    });

    it('replaces the object under a key on a second put', async () => {
      const s = store();
      const key = `${ns()}/replaced`;
      await s.put(key, bytesOf(1000, 1));
      await s.put(key, bytesOf(10, 2));
      expect(await s.head(key)).toEqual({ size: 10 });
      expect(await readAll((await s.get(key))!.body)).toEqual(bytesOf(10, 2));
    });

    it('leaves one whole object when puts to a key race', async () => {
      const s = store();
      const key = `${ns()}/raced`;
      const versions = [bytesOf(200_000, 1), bytesOf(150_000, 2), bytesOf(100_000, 3)];
      await Promise.all(versions.map((v) => s.put(key, v)));
      const got = await readAll((await s.get(key))!.body);
      expect(versions.some((v) => v.length === got.length && v.every((b, i) => got[i] === b))).toBe(true);
    });

    it('stores and reads an empty object', async () => {
      const s = store();
      const key = `${ns()}/empty`;
      await s.put(key, new Uint8Array(0));
      expect(await s.head(key)).toEqual({ size: 0 });
      const got = await s.get(key);
      expect(got).toMatchObject({ size: 0, offset: 0, length: 0 });
      expect(await readAll(got!.body)).toEqual(new Uint8Array(0));
      await expect(s.get(key, { offset: 0 })).rejects.toBeInstanceOf(BlobRangeError);
    });

    it('reads a byte range: offset and length, offset to the end, the last byte', async () => {
      const s = store();
      const key = `${ns()}/ranged`;
      const bytes = bytesOf(100_000, 7);
      await s.put(key, bytes);
      const middle = await s.get(key, { offset: 1234, length: 5678 });
      expect(middle).toMatchObject({ size: 100_000, offset: 1234, length: 5678 });
      expect(await readAll(middle!.body)).toEqual(bytes.subarray(1234, 1234 + 5678));
      const tail = await s.get(key, { offset: 99_000 });
      expect(tail).toMatchObject({ size: 100_000, offset: 99_000, length: 1000 });
      expect(await readAll(tail!.body)).toEqual(bytes.subarray(99_000));
      const last = await s.get(key, { offset: 99_999, length: 1 });
      expect(await readAll(last!.body)).toEqual(bytes.subarray(99_999));
      const whole = await s.get(key, { offset: 0, length: 100_000 });
      expect(await readAll(whole!.body)).toEqual(bytes);
    });

    it('refuses a range outside the object with BlobRangeError, and answers null for an absent key', async () => {
      const s = store();
      const key = `${ns()}/bounds`;
      await s.put(key, bytesOf(100));
      for (const range of [{ offset: 100 }, { offset: 101 }, { offset: 0, length: 101 }, { offset: 50, length: 51 }, { offset: 10, length: 0 }, { offset: -1 }, { offset: 1.5 }]) {
        const err = await s.get(key, range).then(
          () => null,
          (e: unknown) => e,
        );
        expect(err, JSON.stringify(range)).toBeInstanceOf(BlobRangeError);
        expect((err as BlobRangeError).size).toBe(100);
      }
      expect(await s.get(`${ns()}/absent`, { offset: 0, length: 1 })).toBeNull();
    });

    it('deletes by prefix: a key prefix ending in / takes only that level, a bare prefix every key starting with it', async () => {
      const s = store();
      const base = ns();
      const keys = [`${base}/exports/a/chunks/0`, `${base}/exports/a/chunks/1`, `${base}/exports/a/x`, `${base}/exports/ab/chunks/0`, `${base}/exports/b/chunks/0`];
      for (const key of keys) await s.put(key, bytesOf(10));
      expect(await s.deletePrefix(`${base}/exports/a/`)).toBe(3);
      expect(await Promise.all(keys.map(async (k) => (await s.head(k)) !== null))).toEqual([false, false, false, true, true]);
      expect(await s.deletePrefix(`${base}/exports/a/`)).toBe(0);
      await s.put(`${base}/exports/a/chunks/0`, bytesOf(10));
      expect(await s.deletePrefix(`${base}/exports/a`)).toBe(2);
      expect(await Promise.all(keys.map(async (k) => (await s.head(k)) !== null))).toEqual([false, false, false, false, true]);
      expect(await s.deletePrefix(`${base}/nothing-here/`)).toBe(0);
    });

    it('lists the objects under a prefix in key byte order, with size and upload time, a page at a time', async () => {
      const s = store();
      const base = ns();
      // 'a-b' sorts before 'a/x' ('-' is 0x2d, '/' 0x2f) although the directory 'a' sorts before the name 'a-b'.
      const keys = [`${base}/ab`, `${base}/a/y/z`, `${base}/b`, `${base}/a-b`, `${base}/a/x`];
      const before = Date.now();
      for (const [i, key] of keys.entries()) await s.put(key, bytesOf(10 + i));
      const after = Date.now();
      const sorted = [`${base}/a-b`, `${base}/a/x`, `${base}/a/y/z`, `${base}/ab`, `${base}/b`];

      const all = await s.list(`${base}/`);
      expect(all.truncated).toBe(false);
      expect(all.objects.map((o) => o.key)).toEqual(sorted);
      expect(all.objects.map((o) => o.size)).toEqual([13, 14, 11, 10, 12]);
      for (const o of all.objects) {
        expect(o.uploaded).toBeInstanceOf(Date);
        // File systems and R2 keep the time to a second or finer; a second's slack either side.
        expect(o.uploaded.getTime()).toBeGreaterThanOrEqual(before - 1000);
        expect(o.uploaded.getTime()).toBeLessThanOrEqual(after + 1000);
      }

      expect((await s.list(`${base}/a`)).objects.map((o) => o.key)).toEqual(sorted.slice(0, 4));
      expect((await s.list(`${base}/a/`)).objects.map((o) => o.key)).toEqual([`${base}/a/x`, `${base}/a/y/z`]);
      expect((await s.list(`${base}/a/y/z`)).objects.map((o) => o.key)).toEqual([`${base}/a/y/z`]);
      expect(await s.list(`${base}/nothing/`)).toEqual({ objects: [], truncated: false });

      const pages: string[][] = [];
      let startAfter: string | undefined;
      for (;;) {
        const page = await s.list(`${base}/`, { limit: 2, ...(startAfter ? { startAfter } : {}) });
        pages.push(page.objects.map((o) => o.key));
        if (!page.truncated) break;
        startAfter = page.objects.at(-1)!.key;
      }
      expect(pages).toEqual([sorted.slice(0, 2), sorted.slice(2, 4), sorted.slice(4)]);
      // A startAfter that is no key: the listing resumes at the first key after it.
      expect((await s.list(`${base}/`, { startAfter: `${base}/a/` })).objects.map((o) => o.key)).toEqual(sorted.slice(1));
      expect((await s.list(`${base}/`, { startAfter: `${base}/a/y` })).objects.map((o) => o.key)).toEqual(sorted.slice(2));

      for (const limit of [0, 1001, 1.5]) await expect(s.list(`${base}/`, { limit }), String(limit)).rejects.toBeInstanceOf(TypeError);
    });

    it('deletes the given keys and no others; an absent key is no error', async () => {
      const s = store();
      const base = ns();
      const keys = [`${base}/k/0`, `${base}/k/1`, `${base}/k/2`];
      for (const key of keys) await s.put(key, bytesOf(5));
      await s.delete([keys[0]!, keys[2]!, `${base}/k/absent`]);
      expect((await s.list(`${base}/`)).objects.map((o) => o.key)).toEqual([keys[1]]);
      await s.delete([]);
      await expect(s.delete(['../up'])).rejects.toBeInstanceOf(TypeError);
      expect(await s.head(keys[1]!)).toEqual({ size: 5 });
    });

    it('refuses keys that are not safe relative paths, and an empty prefix', async () => {
      const s = store();
      for (const key of ['', '/abs', 'a//b', '../up', 'a/../b', 'a/./b', '.hidden', 'a/.tmp', 'sp ace', 'back\\slash', 'a/', 'x'.repeat(513)]) {
        await expect(s.put(key, bytesOf(1)), JSON.stringify(key)).rejects.toBeInstanceOf(TypeError);
        await expect(s.get(key), JSON.stringify(key)).rejects.toBeInstanceOf(TypeError);
        await expect(s.head(key), JSON.stringify(key)).rejects.toBeInstanceOf(TypeError);
      }
      for (const prefix of ['', '/', '../', 'a//']) {
        await expect(s.deletePrefix(prefix), JSON.stringify(prefix)).rejects.toBeInstanceOf(TypeError);
        await expect(s.list(prefix), JSON.stringify(prefix)).rejects.toBeInstanceOf(TypeError);
      }
    });
  });
}
