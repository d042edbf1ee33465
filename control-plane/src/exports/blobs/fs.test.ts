import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobStoreContract } from './contract.ts';
import { defaultBlobRoot, fsBlobStore } from './fs.ts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'conductor-blobs-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

blobStoreContract('file system', () => fsBlobStore(root));

describe('file system blob store', () => {
  it('lives under <data dir>/blobs by default', () => {
    expect(defaultBlobRoot('/srv/conductor')).toBe('/srv/conductor/blobs');
  });

  it('leaves nothing but the object after a put: the temporary file was renamed over the key', async () => {
    const store = fsBlobStore(root);
    await store.put('clean/exports/e1/chunks/00000000', new Uint8Array([1, 2, 3]));
    expect(await readdir(join(root, 'clean/exports/e1/chunks'))).toEqual(['00000000']);
  });

  it('never shows the temporary file a killed put left behind, and deletes it with its prefix', async () => {
    const store = fsBlobStore(root);
    const dir = join(root, 'killed/exports/e2/chunks');
    await mkdir(dir, { recursive: true });
    // What a process killed between write and rename leaves: a partial temporary file, no object.
    await writeFile(join(dir, '.00000003.0123456789ab.tmp'), new Uint8Array(10));
    expect(await store.head('killed/exports/e2/chunks/00000003')).toBeNull();
    expect(await store.get('killed/exports/e2/chunks/00000003')).toBeNull();
    await store.put('killed/exports/e2/chunks/00000002', new Uint8Array([9]));
    expect(await store.deletePrefix('killed/exports/e2/')).toBe(1);
    expect(await readdir(join(root, 'killed/exports'))).toEqual([]);
  });

  it('lists no temporary file a killed put left behind', async () => {
    const store = fsBlobStore(root);
    const dir = join(root, 'killed-list/exports/e3/chunks');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, '.00000001.0123456789ab.tmp'), new Uint8Array(10));
    await store.put('killed-list/exports/e3/chunks/00000000', new Uint8Array([1]));
    expect((await store.list('killed-list/')).objects.map((o) => o.key)).toEqual(['killed-list/exports/e3/chunks/00000000']);
  });

  it('answers null for a key that is a directory of other keys', async () => {
    const store = fsBlobStore(root);
    await store.put('nested/a/b', new Uint8Array([1]));
    expect(await store.head('nested/a')).toBeNull();
    expect(await store.get('nested/a')).toBeNull();
  });
});
