import { DurableObject } from 'cloudflare:workers';
import { LiveEntries } from './live-entries.ts';
import type { BumpResult, FillRecord, GenerationsRead, LiveEntryCount } from './types.ts';

/**
 * Purge ids are remembered for a day: far beyond the 5-minute signature window, so a retried or
 * replayed purge within any window a sender can use is answered from the ledger, not re-applied.
 */
export const LEDGER_RETENTION_MS = 24 * 60 * 60 * 1000;

/**
 * One object per tenant (idFromName(tenant)): the single strongly consistent place where tag
 * generations change. Edges read generations and mix them into cache keys, so a bump here makes
 * every older cache entry of those tags unreachable in every data center at once.
 */
export class TenantGenerations extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly epoch: string;
  private readonly live: LiveEntries;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`CREATE TABLE IF NOT EXISTS generations (tag TEXT PRIMARY KEY, gen INTEGER NOT NULL) WITHOUT ROWID`);
    this.sql.exec(`CREATE TABLE IF NOT EXISTS purges (purge_id TEXT PRIMARY KEY, applied_at INTEGER NOT NULL, result TEXT NOT NULL)`);
    this.sql.exec(`CREATE INDEX IF NOT EXISTS purges_by_time ON purges (applied_at)`);
    this.sql.exec(`CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID`);
    // Only the first construction over empty storage inserts; every later one reads the same value.
    this.sql.exec(`INSERT INTO meta (key, value) VALUES ('epoch', ?) ON CONFLICT (key) DO NOTHING`, crypto.randomUUID());
    this.epoch = this.sql.exec<{ value: string }>(`SELECT value FROM meta WHERE key = 'epoch'`).one().value;
    this.live = new LiveEntries(ctx.storage);
  }

  read(tags: string[]): GenerationsRead {
    const out: Record<string, number> = {};
    for (const t of tags) out[t] = 0;
    // json_each keeps it to one bound parameter whatever the number of tags.
    const rows = this.sql.exec<{ tag: string; gen: number }>(
      'SELECT tag, gen FROM generations WHERE tag IN (SELECT value FROM json_each(?))',
      JSON.stringify(tags),
    );
    for (const row of rows) out[row.tag] = row.gen;
    return { epoch: this.epoch, generations: out };
  }

  /** Bumps each tag once; idempotent by purgeId. */
  async bump(purgeId: string, tags: string[]): Promise<BumpResult> {
    let sweep = false;
    const result = this.ctx.storage.transactionSync((): BumpResult => {
      const prior = this.sql.exec<{ result: string }>('SELECT result FROM purges WHERE purge_id = ?', purgeId).toArray()[0];
      if (prior) return { ...(JSON.parse(prior.result) as Omit<BumpResult, 'duplicate'>), duplicate: true };
      const now = Date.now();
      const unique = [...new Set(tags)];
      const generations: Record<string, number> = {};
      for (const tag of unique) {
        generations[tag] = this.sql
          .exec<{ gen: number }>('INSERT INTO generations (tag, gen) VALUES (?, 1) ON CONFLICT (tag) DO UPDATE SET gen = gen + 1 RETURNING gen', tag)
          .one().gen;
      }
      const result = { purgeId, tags: unique, generations, appliedAt: new Date(now).toISOString() };
      this.sql.exec('INSERT INTO purges (purge_id, applied_at, result) VALUES (?, ?, ?)', purgeId, now, JSON.stringify(result));
      this.sql.exec('DELETE FROM purges WHERE applied_at < ?', now - LEDGER_RETENTION_MS);
      sweep = this.live.queueSweep(generations);
      return { ...result, duplicate: false };
    });
    // The purge is complete without it (bumped tags are no longer counted); the alarm only frees rows.
    if (sweep) await this.ctx.storage.setAlarm(Date.now());
    return result;
  }

  /** Fills the edge stored, reported off the response path; see live-entries.ts. */
  recordFills(fills: FillRecord[]): { recorded: number; superseded: number; untracked: number } {
    return this.live.record(this.epoch, fills, Date.now());
  }

  /** What a purge of `tags` would reach, for a dry run; reads only. */
  liveEntries(tags: string[]): LiveEntryCount {
    return this.live.count(tags, Date.now());
  }

  override async alarm(): Promise<void> {
    if (this.live.sweep(Date.now())) await this.ctx.storage.setAlarm(Date.now());
  }
}
