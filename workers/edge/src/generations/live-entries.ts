import type { FillRecord, LiveEntryCount } from './types.ts';

/**
 * Most entries one tenant's object tracks. One row per entry plus one per tag keeps a tracked
 * entry at a few hundred bytes, and a dry run over every tracked entry stays a query of tens of
 * milliseconds in an object that also serves the tenant's generation reads.
 */
export const MAX_TRACKED_ENTRIES = 100_000;
/** Rows deleted per sweep step, so a sweep never holds the object for long. */
export const SWEEP_CHUNK = 500;

const UNTRACKED_UNTIL = 'fills_untracked_until';

/**
 * The live-entry ledger inside a tenant's generations object (docs/adr/0009-purge-dry-run-live-entries.md).
 * The Cache API cannot list what it holds, so the edge reports every entry it stores; an entry
 * counts as live while it is inside its retention and every tag it was stored under still has
 * the generation it was stored with. A purge therefore never has to touch this ledger to be
 * correct: bumping a tag makes its entries uncounted at once, and the rows are swept later
 * (`sweep`, from the object's alarm), off the purge's path.
 */
export class LiveEntries {
  private readonly sql: SqlStorage;
  private tracked: number;

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly limit = MAX_TRACKED_ENTRIES,
  ) {
    const sql = (this.sql = storage.sql);
    sql.exec(`CREATE TABLE IF NOT EXISTS fills (id INTEGER PRIMARY KEY, url TEXT NOT NULL UNIQUE, op_id TEXT NOT NULL, retain_until INTEGER NOT NULL)`);
    sql.exec(`CREATE INDEX IF NOT EXISTS fills_by_expiry ON fills (retain_until)`);
    sql.exec(`CREATE TABLE IF NOT EXISTS fill_tags (tag TEXT NOT NULL, fill_id INTEGER NOT NULL, gen INTEGER NOT NULL, PRIMARY KEY (tag, fill_id)) WITHOUT ROWID`);
    sql.exec(`CREATE INDEX IF NOT EXISTS fill_tags_by_fill ON fill_tags (fill_id)`);
    // Tags bumped while entries were tracked under them: rows below `below` are dead, to be swept.
    sql.exec(`CREATE TABLE IF NOT EXISTS fill_sweeps (tag TEXT PRIMARY KEY, below INTEGER NOT NULL) WITHOUT ROWID`);
    sql.exec(`CREATE TABLE IF NOT EXISTS fill_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID`);
    this.tracked = sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM fills').one().n;
  }

  /**
   * Records reported fills. A fill whose epoch or any tag generation is no longer current lost a
   * race with a purge: it was stored under a URL no read computes any more, so it is not live and
   * is not recorded. A URL recorded before (another isolate of the same POP filled it too, or a
   * stale entry was refreshed) stays one entry, with the later retention.
   */
  record(epoch: string, fills: readonly FillRecord[], now: number): { recorded: number; superseded: number; untracked: number } {
    return this.storage.transactionSync(() => {
      this.pruneExpired(now, SWEEP_CHUNK);
      const current = this.currentGenerations([...new Set(fills.flatMap((f) => Object.keys(f.generations)))]);
      let recorded = 0;
      let superseded = 0;
      let untracked = 0;
      for (const fill of fills) {
        if (fill.retainUntil <= now) continue;
        if (fill.epoch !== epoch || Object.entries(fill.generations).some(([tag, gen]) => (current.get(tag) ?? 0) !== gen)) {
          superseded++;
          continue;
        }
        const known = this.sql.exec<{ id: number }>('SELECT id FROM fills WHERE url = ?', fill.url).toArray()[0];
        if (known) {
          this.sql.exec('UPDATE fills SET retain_until = max(retain_until, ?) WHERE id = ?', fill.retainUntil, known.id);
          recorded++;
          continue;
        }
        if (this.tracked >= this.limit) {
          this.sql.exec(
            'INSERT INTO fill_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = max(value, excluded.value)',
            UNTRACKED_UNTIL,
            fill.retainUntil,
          );
          untracked++;
          continue;
        }
        const { id } = this.sql
          .exec<{ id: number }>('INSERT INTO fills (url, op_id, retain_until) VALUES (?, ?, ?) RETURNING id', fill.url, fill.opId, fill.retainUntil)
          .one();
        for (const [tag, gen] of Object.entries(fill.generations)) {
          this.sql.exec('INSERT OR IGNORE INTO fill_tags (tag, fill_id, gen) VALUES (?, ?, ?)', tag, id, gen);
        }
        this.tracked++;
        recorded++;
      }
      return { recorded, superseded, untracked };
    });
  }

  /**
   * Live entries that carry at least one of `tags`, per operation. Read-only: the dry run it
   * answers must change nothing, so expired rows are left for the next write to prune.
   */
  count(tags: readonly string[], now: number): LiveEntryCount {
    const unique = [...new Set(tags)];
    const generations = Object.fromEntries(unique.map((t) => [t, 0]));
    for (const [tag, gen] of this.currentGenerations(unique)) generations[tag] = gen;
    // Dead rows are exactly those under a tag bumped since they were recorded, and every such tag
    // sits in fill_sweeps until its dead rows are gone (queueSweep, sweep): so only the rows waiting
    // for a sweep are checked, not every row against the generations table.
    const rows = this.sql.exec<{ op_id: string; n: number }>(
      `WITH hit AS (SELECT DISTINCT fill_id FROM fill_tags WHERE tag IN (SELECT value FROM json_each(?1))),
            dead AS (SELECT t.fill_id FROM fill_sweeps s CROSS JOIN fill_tags t ON t.tag = s.tag AND t.gen < s.below)
       SELECT f.op_id, COUNT(*) AS n FROM hit JOIN fills f ON f.id = hit.fill_id
       WHERE f.retain_until > ?2 AND hit.fill_id NOT IN (SELECT fill_id FROM dead)
       GROUP BY f.op_id`,
      JSON.stringify(unique),
      now,
    );
    const byOperation: Record<string, number> = {};
    let total = 0;
    for (const row of rows) {
      byOperation[row.op_id] = row.n;
      total += row.n;
    }
    const untrackedUntil = this.sql.exec<{ value: number }>('SELECT value FROM fill_meta WHERE key = ?', UNTRACKED_UNTIL).toArray()[0]?.value ?? 0;
    return { generations, byOperation, total, complete: untrackedUntil <= now };
  }

  /**
   * Called inside a purge's transaction with the tags it bumped and their new generations: queues
   * the tracked rows they made dead for `sweep`. Returns whether there is anything to sweep.
   */
  queueSweep(bumped: Readonly<Record<string, number>>): boolean {
    let queued = false;
    for (const [tag, gen] of Object.entries(bumped)) {
      if (this.sql.exec('SELECT 1 FROM fill_tags WHERE tag = ? LIMIT 1', tag).toArray().length === 0) continue;
      this.sql.exec('INSERT INTO fill_sweeps (tag, below) VALUES (?, ?) ON CONFLICT (tag) DO UPDATE SET below = max(below, excluded.below)', tag, gen);
      queued = true;
    }
    return queued;
  }

  /** Deletes up to SWEEP_CHUNK dead or expired rows; true when more remain. */
  sweep(now: number): boolean {
    return this.storage.transactionSync(() => {
      let budget = SWEEP_CHUNK;
      for (const { tag, below } of this.sql.exec<{ tag: string; below: number }>('SELECT tag, below FROM fill_sweeps').toArray()) {
        const ids = this.sql
          .exec<{ fill_id: number }>('SELECT fill_id FROM fill_tags WHERE tag = ? AND gen < ? LIMIT ?', tag, below, budget)
          .toArray()
          .map((r) => r.fill_id);
        this.deleteFills(ids);
        budget -= ids.length;
        if (budget === 0) return true;
        this.sql.exec('DELETE FROM fill_sweeps WHERE tag = ?', tag);
      }
      return this.pruneExpired(now, budget);
    });
  }

  /** Deletes up to `limit` expired rows; true when more remain. */
  private pruneExpired(now: number, limit: number): boolean {
    const ids = this.sql
      .exec<{ id: number }>('SELECT id FROM fills WHERE retain_until <= ? LIMIT ?', now, limit)
      .toArray()
      .map((r) => r.id);
    this.deleteFills(ids);
    return ids.length === limit;
  }

  private deleteFills(ids: number[]): void {
    if (ids.length === 0) return;
    const list = JSON.stringify(ids);
    this.sql.exec('DELETE FROM fill_tags WHERE fill_id IN (SELECT value FROM json_each(?))', list);
    this.sql.exec('DELETE FROM fills WHERE id IN (SELECT value FROM json_each(?))', list);
    this.tracked -= ids.length;
  }

  private currentGenerations(tags: readonly string[]): Map<string, number> {
    const rows = this.sql.exec<{ tag: string; gen: number }>(
      'SELECT tag, gen FROM generations WHERE tag IN (SELECT value FROM json_each(?))',
      JSON.stringify(tags),
    );
    return new Map([...rows].map((r) => [r.tag, r.gen]));
  }
}
