import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OutboxStore } from './outbox-store.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'outbox-store-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

// A SIGKILL test cannot tell these settings apart (a killed process loses nothing the OS has
// buffered); power loss can, so the settings themselves are asserted (docs/adr/0008).
describe('OutboxStore durability', () => {
  it('commits through a write-ahead log that is fsynced on every commit (WAL, synchronous = FULL)', () => {
    const store = new OutboxStore(join(dir, 'outbox.sqlite'));
    try {
      expect(store.durability()).toEqual({ journalMode: 'wal', synchronous: 'full' });
    } finally {
      store.close();
    }
  });

  it('leaves the file in WAL mode, as another connection sees it', () => {
    const path = join(dir, 'outbox.sqlite');
    new OutboxStore(path).close();
    const { DatabaseSync } = process.getBuiltinModule('node:sqlite');
    const other = new DatabaseSync(path);
    try {
      expect(other.prepare('PRAGMA journal_mode').get()).toMatchObject({ journal_mode: 'wal' });
    } finally {
      other.close();
    }
  });
});
