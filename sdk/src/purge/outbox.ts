import type { OutboxTenantBacklog } from '../contracts/backlog.ts';
import { ErrorCode } from '../contracts/errors.ts';
import { PurgeRequestSchema, type PurgeReceipt, type PurgeRequest } from '../contracts/purge.ts';
import { backoffDelayMs } from './backoff.ts';
import { PurgeError, type PurgeClient } from './client.ts';
import { OutboxStore, type OutboxEntry } from './outbox-store.ts';

export { IN_MEMORY, OutboxStore, type OutboxEntry } from './outbox-store.ts';
export { sendBacklogReport, startBacklogReports, type BacklogReporter, type BacklogReporterOptions, type BacklogReportOutcome } from './backlog-report.ts';

/**
 * A durable purge outbox for origins. `enqueue` writes the purge to a local SQLite file (fsync'd)
 * before it returns; a background loop then delivers it through the purge client, retrying with
 * exponential backoff and full jitter until the edge answers, across restarts: a new outbox on the
 * same file resumes every pending entry. Each entry keeps its purgeId for life, so a retry after a
 * lost response, or a second delivery after a crash between "edge applied" and "row deleted", is a
 * no-op at the edge (it dedupes purgeIds for 24 h; a purge older than that applies again, which
 * only costs extra misses).
 *
 * Order: entries are delivered concurrently and a retried one may land after a later one of the
 * same tenant. That is safe because a purge only ever bumps generation counters upwards, and
 * applying bumps in any order leaves every affected tag at a generation no cached entry has.
 *
 * A 4xx other than 408/429 (bad signature, invalid body) will not get better by retrying: the
 * entry is marked failed, kept in the file for inspection, and counted.
 */
export interface PurgeOutboxOptions {
  /** SQLite file (created with its directory), or IN_MEMORY for a queue that dies with the process. */
  path: string;
  /** Sends one delivery round; its own quick retries (createPurgeClient `retries`) ride out blips. */
  client: PurgeClient;
  /** Backoff between rounds: the n-th failed round waits up to min(max, base·2ⁿ⁻¹) ms. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Rounds in flight at once. */
  concurrency?: number;
  /**
   * A round that has neither succeeded nor failed by then counts as failed (and is retried): a
   * hung connection must not hold a slot, or `close()`, forever. Keep it above the client's own
   * worst case (attempts × timeout + backoff). Default 30 s.
   */
  roundTimeoutMs?: number;
  /** Telemetry: every state change of an entry. */
  onEvent?: (event: OutboxEvent) => void;
  now?: () => number;
  random?: () => number;
}

export type OutboxEvent =
  | { type: 'enqueued'; purgeId: string; tenant: string }
  | { type: 'delivered'; purgeId: string; tenant: string; attempts: number; ageMs: number; receipt: PurgeReceipt }
  | { type: 'retry'; purgeId: string; tenant: string; attempts: number; delayMs: number; code: string; message: string }
  | { type: 'failed'; purgeId: string; tenant: string; attempts: number; code: string; message: string }
  /** The outbox file itself failed (disk full, say): delivery pauses for retryMaxMs, entries stay. */
  | { type: 'store-error'; purgeId: string; message: string };

export type DeliveryOutcome =
  | { status: 'delivered'; purgeId: string; receipt: PurgeReceipt }
  | { status: 'failed'; purgeId: string; code: string; message: string }
  /** Not delivered yet; the outbox keeps trying. `code`/`message` describe the last failed round. */
  | { status: 'pending'; purgeId: string; code?: string; message?: string };

export interface OutboxStats {
  /** Entries waiting for delivery. */
  depth: number;
  /** Age of the oldest waiting entry, 0 when none: the number to alert on. */
  oldestAgeMs: number;
  /** Since this outbox was opened. */
  delivered: number;
  failed: number;
  retries: number;
}

export interface Enqueued {
  purgeId: string;
  /** Resolves with the outcome once known, or `pending` after `timeoutMs` (the entry stays queued). */
  delivery(timeoutMs: number): Promise<DeliveryOutcome>;
}

export interface PurgeOutbox {
  /** Validates, persists durably, then schedules delivery. Throws PurgeError VALIDATION_FAILED on a bad request. */
  enqueue(request: PurgeRequest): Enqueued;
  stats(): OutboxStats;
  /** What the outbox holds per tenant, for a backlog report to the control plane (startBacklogReports). */
  backlog(): OutboxTenantBacklog[];
  /** Entries the edge refused for good. */
  failedEntries(): OutboxEntry[];
  /** Stops scheduling and waits for rounds in flight; pending entries stay in the file for the next open. */
  close(): Promise<void>;
}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new PurgeError(ErrorCode.EDGE_UNAVAILABLE, `delivery round gave no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/** Whether a round's error is final. Network errors, timeouts, 5xx, 408 and 429 are worth another round. */
export function isPermanentFailure(error: unknown): boolean {
  if (!(error instanceof PurgeError)) return false;
  if (error.code === ErrorCode.VALIDATION_FAILED) return true;
  const s = error.status;
  return s !== undefined && s >= 400 && s < 500 && s !== 408 && s !== 429;
}

export function openPurgeOutbox(options: PurgeOutboxOptions): PurgeOutbox {
  const store = new OutboxStore(options.path);
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const baseMs = options.retryBaseMs ?? 500;
  const maxMs = options.retryMaxMs ?? 30_000;
  const concurrency = options.concurrency ?? 4;
  const roundTimeoutMs = options.roundTimeoutMs ?? 30_000;
  const emit = options.onEvent ?? (() => {});
  const counters = { delivered: 0, failed: 0, retries: 0 };
  const inflight = new Map<string, Promise<void>>();
  const settle = new Map<string, { promise: Promise<DeliveryOutcome>; resolve(o: DeliveryOutcome): void }>();
  const lastError = new Map<string, { code: string; message: string }>();
  let timer: NodeJS.Timeout | undefined;
  let pumpQueued = false;
  let pausedUntil = 0;
  let closed = false;

  function settlement(purgeId: string) {
    let entry = settle.get(purgeId);
    if (!entry) {
      let resolve!: (o: DeliveryOutcome) => void;
      const promise = new Promise<DeliveryOutcome>((r) => (resolve = r));
      entry = { promise, resolve };
      settle.set(purgeId, entry);
    }
    return entry;
  }

  function finish(outcome: DeliveryOutcome): void {
    settle.get(outcome.purgeId)?.resolve(outcome);
    settle.delete(outcome.purgeId);
    lastError.delete(outcome.purgeId);
  }

  // Deferred so that a caller's `delivery()` right after `enqueue` is in place before any round runs.
  function kick(): void {
    if (closed || pumpQueued) return;
    pumpQueued = true;
    setImmediate(() => {
      pumpQueued = false;
      pump();
    });
  }

  function pump(): void {
    if (closed) return;
    clearTimeout(timer);
    timer = undefined;
    const t = now();
    if (pausedUntil > t) return schedule(pausedUntil, t);
    let due: OutboxEntry[];
    try {
      due = store.pending();
    } catch (err) {
      return storeFailed('', err);
    }
    let nextDue = Infinity;
    for (const entry of due) {
      if (inflight.has(entry.purgeId)) continue;
      if (entry.nextAttemptAt > t) {
        nextDue = Math.min(nextDue, entry.nextAttemptAt);
        continue;
      }
      if (inflight.size >= concurrency) break; // a finishing round pumps again
      const round = deliver(entry)
        .catch((err: unknown) => storeFailed(entry.purgeId, err))
        .finally(() => {
          inflight.delete(entry.purgeId);
          kick();
        });
      inflight.set(entry.purgeId, round);
    }
    schedule(nextDue, t);
  }

  // Only the file can throw here (deliver catches the network's errors): back off as from a dead edge.
  function storeFailed(purgeId: string, err: unknown): void {
    pausedUntil = now() + maxMs;
    emit({ type: 'store-error', purgeId, message: err instanceof Error ? err.message : String(err) });
    if (!closed) schedule(pausedUntil, now());
  }

  function schedule(due: number, t: number): void {
    if (due === Infinity) return;
    clearTimeout(timer);
    timer = setTimeout(pump, Math.max(0, due - t));
    // The origin's server keeps the process alive; a queue waiting on a dead edge must not.
    timer.unref();
  }

  async function deliver(entry: OutboxEntry): Promise<void> {
    const attempts = entry.attempts + 1;
    try {
      const receipt = await withDeadline(options.client.purge(entry.request), roundTimeoutMs);
      store.remove(entry.purgeId);
      counters.delivered++;
      emit({ type: 'delivered', purgeId: entry.purgeId, tenant: entry.tenant, attempts, ageMs: now() - entry.enqueuedAt, receipt });
      finish({ status: 'delivered', purgeId: entry.purgeId, receipt });
    } catch (err) {
      const code = err instanceof PurgeError ? err.code : ErrorCode.INTERNAL;
      const message = err instanceof Error ? err.message : String(err);
      if (isPermanentFailure(err)) {
        store.markFailed(entry.purgeId, attempts, `${code}: ${message}`);
        counters.failed++;
        emit({ type: 'failed', purgeId: entry.purgeId, tenant: entry.tenant, attempts, code, message });
        finish({ status: 'failed', purgeId: entry.purgeId, code, message });
        return;
      }
      const delayMs = backoffDelayMs(attempts, baseMs, maxMs, random());
      store.reschedule(entry.purgeId, attempts, now() + delayMs, `${code}: ${message}`);
      counters.retries++;
      lastError.set(entry.purgeId, { code, message });
      emit({ type: 'retry', purgeId: entry.purgeId, tenant: entry.tenant, attempts, delayMs, code, message });
    }
  }

  // Whatever a previous process left pending resumes now.
  kick();

  return {
    enqueue(request) {
      if (closed) throw new PurgeError(ErrorCode.INTERNAL, 'purge outbox is closed');
      const parsed = PurgeRequestSchema.safeParse(request);
      if (!parsed.success) {
        throw new PurgeError(ErrorCode.VALIDATION_FAILED, `invalid purge request: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
      }
      const full = { ...parsed.data, purgeId: parsed.data.purgeId ?? crypto.randomUUID() };
      store.insert(full, now());
      const { promise } = settlement(full.purgeId);
      emit({ type: 'enqueued', purgeId: full.purgeId, tenant: full.tenant });
      kick();
      return {
        purgeId: full.purgeId,
        delivery(timeoutMs) {
          let timeout: NodeJS.Timeout | undefined;
          const pending = new Promise<DeliveryOutcome>((resolve) => {
            timeout = setTimeout(() => resolve({ status: 'pending', purgeId: full.purgeId, ...lastError.get(full.purgeId) }), timeoutMs);
          });
          return Promise.race([promise, pending]).finally(() => clearTimeout(timeout));
        },
      };
    },
    stats() {
      const { depth, oldestEnqueuedAt } = store.counts();
      return { depth, oldestAgeMs: oldestEnqueuedAt === null ? 0 : Math.max(0, now() - oldestEnqueuedAt), ...counters };
    },
    backlog() {
      const t = now();
      return store.countsByTenant().map((r) => ({
        tenant: r.tenant,
        pending: r.pending,
        oldestPendingAgeSeconds: r.oldestEnqueuedAt === null ? 0 : Math.max(0, Math.floor((t - r.oldestEnqueuedAt) / 1000)),
        failed: r.failed,
      }));
    },
    failedEntries: () => store.failed(),
    async close() {
      if (closed) return;
      closed = true;
      clearTimeout(timer);
      await Promise.allSettled(inflight.values());
      for (const [purgeId, s] of settle) s.resolve({ status: 'pending', purgeId, ...lastError.get(purgeId) });
      settle.clear();
      store.close();
    },
  };
}
