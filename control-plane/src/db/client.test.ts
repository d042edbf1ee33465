import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenants } from '@conductor/schema/tenants';
import { openDatabase } from './client.ts';

// The embedded default specifically (the PostgreSQL path is exercised by every suite under test:pg).
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'conductor-pglite-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('openDatabase (PGlite)', () => {
  it('migrates a new directory, keeps the data, and reopens it without migrating twice', async () => {
    const first = await openDatabase({ pglitePath: dir });
    await first.db.insert(tenants).values({ id: 'kept', name: 'Kept' });
    await first.close();

    const second = await openDatabase({ pglitePath: dir });
    try {
      expect(await second.db.select({ id: tenants.id }).from(tenants)).toEqual([{ id: 'kept' }]);
    } finally {
      await second.close();
    }
    // Two cold PGlite starts: slow on a loaded machine, so more than the default budget.
  }, 120_000);
});
