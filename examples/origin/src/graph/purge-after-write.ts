import { ErrorCode, fieldPurgeId, PurgeError } from '@conductor/sdk';
import type { DeliveryOutcome, PurgeOutbox } from '@conductor/sdk/outbox';
import type { StatsCounter } from '../stats.ts';
import type { OriginContext } from './context.ts';

/**
 * The mutation handlers' purge: tell the edge which mutation ran with which arguments. The purge
 * goes into the durable outbox first (on disk before anything else happens), then the handler
 * waits up to `waitMs` for the edge's receipt, so with the edge up the client's next read cannot
 * hit a stale entry. Past the bound the mutation answers anyway with the purge `pending`, and the
 * outbox keeps delivering it (across restarts too). A purge never undoes the write.
 *
 * Through the edge, the purge id is the one the edge will invalidate this field under
 * (`fieldPurgeId`): the tenant's purge ledger then applies the write's invalidation once, whichever
 * of the two arrives first. Called directly, the origin is the only one to purge, under a fresh id.
 */
export function createPurgeAfterWrite(outbox: PurgeOutbox, waitMs: number, stats: StatsCounter, log: (line: string) => void) {
  return async (ctx: OriginContext, op: string, variables: Record<string, unknown>, responseKey: string): Promise<void> => {
    const tenant = ctx.claims.tenant;
    const purgeId = ctx.forwardedPurgeId ? await fieldPurgeId(ctx.forwardedPurgeId, responseKey) : crypto.randomUUID();
    let outcome: DeliveryOutcome;
    try {
      outcome = await outbox.enqueue({ purgeId, tenant, mutation: { op, variables } }).delivery(waitMs);
    } catch (err) {
      // Not even queued (the outbox file is unwritable, or the origin is shutting down): the write
      // stands, and the client hears that its purge failed.
      const code = err instanceof PurgeError ? err.code : ErrorCode.INTERNAL;
      outcome = { status: 'failed', purgeId, code, message: `purge not queued: ${err instanceof Error ? err.message : String(err)}` };
    }
    stats.purge(outcome.status);
    if (outcome.status === 'delivered') {
      ctx.state.purges.push({ status: 'applied', op, purgeId, tags: outcome.receipt.tags, duplicate: outcome.receipt.duplicate });
    } else if (outcome.status === 'pending') {
      ctx.state.purges.push({ status: 'pending', op, purgeId, code: outcome.code, message: outcome.message });
      log(JSON.stringify({ level: 'warn', msg: 'purge pending, outbox will retry', tenant, op, purgeId, code: outcome.code, error: outcome.message }));
    } else {
      ctx.state.purges.push({ status: 'failed', op, purgeId, code: outcome.code, message: outcome.message });
      log(JSON.stringify({ level: 'error', msg: 'purge failed', tenant, op, purgeId, code: outcome.code, error: outcome.message }));
    }
  };
}
