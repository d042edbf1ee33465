import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { defaultDataDir } from '@conductor/schema/auth/dev-keys';
import { assertBlobKey, assertBlobPrefix, listLimit, resolveRange, type BlobListing, type BlobStore } from './store.ts';

/** Where the fs store keeps its objects by default: `<data dir>/blobs` (CONDUCTOR_DATA_DIR or ./.data). */
export function defaultBlobRoot(dataDir = defaultDataDir()): string {
  return join(dataDir, 'blobs');
}

/**
 * The blob store as a directory: key `a/b/c` is the file `<root>/a/b/c`.
 *
 * A put writes a temporary file beside its key (`.<name>.<random>.tmp`, a name no key can have),
 * fsyncs it, renames it over the key and fsyncs the directory. rename(2) is atomic, so a process
 * killed at any instant leaves under the key either the previous object or the new one whole,
 * never part of one; what it can leave is a temporary file, which readers never see and
 * `deletePrefix` of its directory removes. The fsyncs make the same hold after a power loss: the
 * chunk row Postgres commits after a put must not outlive the bytes it describes.
 */
export function fsBlobStore(root: string = defaultBlobRoot()): BlobStore {
  const pathOf = (key: string) => {
    assertBlobKey(key);
    return join(root, key);
  };

  return {
    async put(key, bytes) {
      const path = pathOf(key);
      const dir = dirname(path);
      await mkdir(dir, { recursive: true });
      const temp = join(dir, `.${path.slice(dir.length + 1)}.${randomBytes(6).toString('hex')}.tmp`);
      const file = await open(temp, 'wx');
      try {
        await file.writeFile(bytes);
        await file.sync();
      } catch (err) {
        await file.close();
        await unlink(temp).catch(() => {});
        throw err;
      }
      await file.close();
      try {
        await rename(temp, path);
      } catch (err) {
        await unlink(temp).catch(() => {});
        throw err;
      }
      await syncDirectory(dir);
    },

    async get(key, range) {
      // One open file serves both the size and the bytes, so a put renaming a new object over the
      // key meanwhile cannot pair one object's size with the other's bytes.
      let file;
      try {
        file = await open(pathOf(key), 'r');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
      try {
        const stats = await file.stat();
        // A key that is only a prefix of others ('a' beside 'a/b') is a directory here, not an object.
        if (!stats.isFile()) {
          await file.close();
          return null;
        }
        const size = stats.size;
        const { offset, length } = resolveRange(key, size, range);
        // createReadStream's `end` is inclusive, so an empty object is read as an empty stream.
        if (length === 0) {
          await file.close();
          return { size, offset, length, body: new Blob([]).stream() };
        }
        const stream = file.createReadStream({ start: offset, end: offset + length - 1 });
        return { size, offset, length, body: Readable.toWeb(stream) as ReadableStream<Uint8Array> };
      } catch (err) {
        await file.close();
        throw err;
      }
    },

    async head(key) {
      const size = await sizeOf(pathOf(key));
      return size === null ? null : { size };
    },

    async deletePrefix(prefix) {
      assertBlobPrefix(prefix);
      const slash = prefix.lastIndexOf('/');
      const dir = join(root, prefix.slice(0, slash + 1));
      const start = prefix.slice(slash + 1);
      // 'a/b/' is the directory a/b, taken whole (temporary files and all).
      if (start === '') {
        const stats = await stat(dir).catch((err: NodeJS.ErrnoException) => {
          if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return null;
          throw err;
        });
        if (!stats?.isDirectory()) return 0;
        const deleted = await countObjects(dir);
        await rm(dir, { recursive: true, force: true });
        return deleted;
      }
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') return 0;
        throw err;
      }
      let deleted = 0;
      for (const entry of entries) {
        // Temporary files ('.<name>.<random>.tmp') go with the keys they were written for.
        const temporary = entry.name.startsWith('.');
        if (!(temporary ? entry.name.slice(1) : entry.name).startsWith(start)) continue;
        const path = join(dir, entry.name);
        if (entry.isDirectory()) deleted += await countObjects(path);
        else if (!temporary) deleted += 1;
        await rm(path, { recursive: true, force: true });
      }
      return deleted;
    },

    async list(prefix, options) {
      assertBlobPrefix(prefix);
      const limit = listLimit(options);
      const startAfter = options?.startAfter;
      if (startAfter !== undefined) assertBlobPrefix(startAfter);
      const objects: BlobListing[] = [];
      let truncated = false;

      // Depth first, each directory's entries sorted as the keys under them sort: a directory
      // 'a' as 'a/', so 'a-b' (0x2d) comes before 'a/x' (0x2f) as it does in R2's byte order.
      // Subtrees wholly outside the prefix or wholly at or before `startAfter` are not read.
      const walk = async (dirKey: string): Promise<boolean> => {
        let entries;
        try {
          entries = await readdir(dirKey === '' ? root : join(root, dirKey), { withFileTypes: true });
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code === 'ENOENT' || code === 'ENOTDIR') return false;
          throw err;
        }
        const items = entries
          // Temporary files ('.<name>.<random>.tmp') are no objects (see put).
          .filter((e) => !e.name.startsWith('.') && (e.isDirectory() || e.isFile()))
          .map((e) => ({ key: dirKey + e.name, dir: e.isDirectory(), order: dirKey + e.name + (e.isDirectory() ? '/' : '') }))
          .sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
        for (const item of items) {
          if (item.dir) {
            const sub = `${item.key}/`;
            if (!sub.startsWith(prefix) && !prefix.startsWith(sub)) continue;
            if (startAfter !== undefined && sub < startAfter && !startAfter.startsWith(sub)) continue;
            if (await walk(sub)) return true;
            continue;
          }
          if (!item.key.startsWith(prefix) || (startAfter !== undefined && item.key <= startAfter)) continue;
          if (objects.length === limit) {
            truncated = true;
            return true;
          }
          const stats = await stat(join(root, item.key)).catch((err: NodeJS.ErrnoException) => {
            // Deleted since the directory was read.
            if (err.code === 'ENOENT') return null;
            throw err;
          });
          if (stats?.isFile()) objects.push({ key: item.key, size: stats.size, uploaded: stats.mtime });
        }
        return false;
      };
      await walk(prefix.slice(0, prefix.lastIndexOf('/') + 1));
      return { objects, truncated };
    },

    async delete(keys) {
      for (const key of keys) assertBlobKey(key);
      for (const key of keys) {
        try {
          await unlink(join(root, key));
        } catch (err) {
          // Absent, or only a directory of other keys (as `get` answers null for one).
          const code = (err as NodeJS.ErrnoException).code;
          if (code !== 'ENOENT' && code !== 'EISDIR' && code !== 'EPERM') throw err;
        }
      }
    },
  };
}

async function sizeOf(path: string): Promise<number | null> {
  try {
    const s = await stat(path);
    return s.isFile() ? s.size : null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

async function countObjects(dir: string): Promise<number> {
  let n = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && !entry.name.startsWith('.')) n += 1;
  }
  return n;
}

// Makes the rename itself durable; some platforms refuse fsync on a directory, and there the
// rename is as durable as the platform makes it.
async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM') throw err;
  } finally {
    await handle?.close();
  }
}
