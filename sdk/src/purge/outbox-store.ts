// node:sqlite ships with Node 22 (no flag since 22.13; it logs an ExperimentalWarning once per
// process). No maintained npm outbox fits: the ones on the registry are PostgreSQL/Kafka
// transactional outboxes, and an origin's purge queue must not need a database server.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { PurgeRequest } from '../contracts/purge.ts';

/** One purge waiting for (or given up on by) the edge. */
export interface OutboxEntry {
  purgeId: string;
  tenant: string;
  /** The request as sent, `purgeId` included: every attempt, before and after a restart, is the same purge. */
  request: PurgeRequest & { purgeId: string };
  enqueuedAt: number;
  /** Delivery rounds that failed so far. */
  attempts: number;
  nextAttemptAt: number;
  state: 'pending' | 'failed';
  lastError: string | null;
}

interface Row {
  purge_id: string;
  tenant: string;
  request: string;
  enqueued_at: number;
  attempts: number;
  next_attempt_at: number;
  state: 'pending' | 'failed';
  last_error: string | null;
}

/** PRAGMA synchronous answers a number; these are its names, in order. */
const SYNCHRONOUS = ['off', 'normal', 'full', 'extra'] as const;

/** `:memory:` keeps the queue in the process only (tests, an origin started without a data dir). */
export const IN_MEMORY = ':memory:';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS purge_outbox (
  purge_id        TEXT PRIMARY KEY,
  tenant          TEXT NOT NULL,
  request         TEXT NOT NULL,
  enqueued_at     INTEGER NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'failed')),
  last_error      TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS purge_outbox_due ON purge_outbox (state, next_attempt_at);
`;

/**
 * The outbox's file: one SQLite table. WAL with `synchronous = FULL` fsyncs the log on every
 * commit, so a row is on disk when `insert` returns, and a crash (even of the machine) cannot
 * lose an acknowledged purge, as far as the storage honours fsync (docs/adr/0008). Every change
 * is one statement, i.e. its own transaction.
 */
export class OutboxStore {
  private readonly db: DatabaseSync;
  private readonly stmt: Record<'insert' | 'remove' | 'reschedule' | 'fail' | 'pending' | 'counts' | 'byTenant', StatementSync>;

  constructor(path: string) {
    if (path !== IN_MEMORY) mkdirSync(dirname(path), { recursive: true });
    // Loaded here rather than imported: loading node:sqlite prints its ExperimentalWarning, and a
    // process that silences it (sqlite-warning.ts) must get the chance to first, whatever it imports.
    const { DatabaseSync: Database } = process.getBuiltinModule('node:sqlite');
    this.db = new Database(path);
    // A second process on the same file (two origins sharing a data dir) waits instead of failing;
    // both may then deliver the same row, which the edge's purgeId dedupe turns into a no-op.
    this.db.exec('PRAGMA busy_timeout = 5000');
    this.db.exec('PRAGMA journal_mode = WAL');
    this.db.exec('PRAGMA synchronous = FULL');
    this.db.exec(SCHEMA);
    this.stmt = {
      insert: this.db.prepare(
        `INSERT OR IGNORE INTO purge_outbox (purge_id, tenant, request, enqueued_at, next_attempt_at) VALUES (?, ?, ?, ?, ?)`,
      ),
      remove: this.db.prepare(`DELETE FROM purge_outbox WHERE purge_id = ?`),
      reschedule: this.db.prepare(
        `UPDATE purge_outbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE purge_id = ? AND state = 'pending'`,
      ),
      fail: this.db.prepare(`UPDATE purge_outbox SET state = 'failed', attempts = ?, last_error = ? WHERE purge_id = ?`),
      pending: this.db.prepare(`SELECT * FROM purge_outbox WHERE state = 'pending' ORDER BY next_attempt_at, enqueued_at`),
      counts: this.db.prepare(
        `SELECT COUNT(*) AS depth, MIN(enqueued_at) AS oldest FROM purge_outbox WHERE state = 'pending'`,
      ),
      byTenant: this.db.prepare(
        `SELECT tenant, SUM(state = 'pending') AS pending, MIN(CASE WHEN state = 'pending' THEN enqueued_at END) AS oldest,
                SUM(state = 'failed') AS failed
           FROM purge_outbox GROUP BY tenant ORDER BY tenant`,
      ),
    };
  }

  /** Durable when it returns. An id already queued is left as it is (enqueue is idempotent). */
  insert(request: PurgeRequest & { purgeId: string }, now: number): void {
    this.stmt.insert.run(request.purgeId, request.tenant, JSON.stringify(request), now, now);
  }

  /** Delivered: nothing left to remember (the edge keeps the purgeId for its dedupe window). */
  remove(purgeId: string): void {
    this.stmt.remove.run(purgeId);
  }

  reschedule(purgeId: string, attempts: number, nextAttemptAt: number, lastError: string): void {
    this.stmt.reschedule.run(attempts, nextAttemptAt, lastError, purgeId);
  }

  /** The edge refused the purge for good (4xx): kept, out of the queue, for an operator to read. */
  markFailed(purgeId: string, attempts: number, error: string): void {
    this.stmt.fail.run(attempts, error, purgeId);
  }

  /** Every pending entry, earliest due first. The queue is small (it drains unless the edge is down). */
  pending(): OutboxEntry[] {
    return (this.stmt.pending.all() as unknown as Row[]).map(fromRow);
  }

  failed(): OutboxEntry[] {
    return (this.db.prepare(`SELECT * FROM purge_outbox WHERE state = 'failed' ORDER BY enqueued_at`).all() as unknown as Row[]).map(fromRow);
  }

  counts(): { depth: number; oldestEnqueuedAt: number | null } {
    const row = this.stmt.counts.get() as { depth: number; oldest: number | null };
    return { depth: row.depth, oldestEnqueuedAt: row.oldest };
  }

  /**
   * How this connection commits (docs/adr/0008). `synchronous` belongs to the connection, not the
   * file, so only the store can answer for it.
   */
  durability(): { journalMode: string; synchronous: 'off' | 'normal' | 'full' | 'extra' } {
    const { journal_mode: journalMode } = this.db.prepare('PRAGMA journal_mode').get() as { journal_mode: string };
    const { synchronous } = this.db.prepare('PRAGMA synchronous').get() as { synchronous: number };
    return { journalMode, synchronous: SYNCHRONOUS[synchronous]! };
  }

  /** Per tenant: entries pending and the oldest one's enqueue time, and entries failed for good. */
  countsByTenant(): { tenant: string; pending: number; oldestEnqueuedAt: number | null; failed: number }[] {
    const rows = this.stmt.byTenant.all() as { tenant: string; pending: number; oldest: number | null; failed: number }[];
    return rows.map((r) => ({ tenant: r.tenant, pending: Number(r.pending), oldestEnqueuedAt: r.oldest === null ? null : Number(r.oldest), failed: Number(r.failed) }));
  }

  close(): void {
    this.db.close();
  }
}

function fromRow(row: Row): OutboxEntry {
  return {
    purgeId: row.purge_id,
    tenant: row.tenant,
    request: JSON.parse(row.request) as OutboxEntry['request'],
    enqueuedAt: row.enqueued_at,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    state: row.state,
    lastError: row.last_error,
  };
}
