import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const CHILD = fileURLToPath(new URL('../../test/sqlite-warning-child.ts', import.meta.url));

// A fresh process each: Node prints the SQLite warning once per process, and vitest's own workers
// filter warnings of their own.
async function stderrOf(mode: 'silenced' | 'default'): Promise<string> {
  const { stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', CHILD, mode], { timeout: 30_000 });
  return stderr;
}

describe('silenceSqliteExperimentalWarning', () => {
  it('drops the node:sqlite ExperimentalWarning, which Node prints otherwise', async () => {
    expect(await stderrOf('default')).toContain('ExperimentalWarning: SQLite is an experimental feature');
    expect(await stderrOf('silenced')).not.toContain('SQLite');
  });

  it('lets every other warning through, experimental ones included', async () => {
    const stderr = await stderrOf('silenced');
    expect(stderr).toContain('ExperimentalWarning: Widgets is an experimental feature');
    expect(stderr).toContain('DeprecationWarning: frobnicate() is deprecated');
  });
});
