import type { PurgeClient } from '../../../../sdk/src/purge/client.ts';
import { PurgeError } from '../../../../sdk/src/purge/client.ts';
import type { StatsCounter } from '../stats.ts';
import type { OriginContext } from './context.ts';

/**
 * The mutation handlers' purge: tell the edge which mutation ran with which arguments and wait
 * for the receipt, so the client's next read cannot hit a stale entry. A purge that fails after
 * the client's retries does not undo the write: it is reported and logged instead.
 */
export function createPurgeAfterWrite(client: PurgeClient, stats: StatsCounter, log: (line: string) => void) {
  return async (ctx: OriginContext, op: string, variables: Record<string, unknown>): Promise<void> => {
    const purgeId = crypto.randomUUID();
    const tenant = ctx.claims.tenant;
    try {
      const receipt = await client.purge({ purgeId, tenant, mutation: { op, variables } });
      stats.purge(true);
      ctx.state.purges.push({ status: 'applied', op, purgeId, tags: receipt.tags, duplicate: receipt.duplicate });
    } catch (err) {
      stats.purge(false);
      const code = err instanceof PurgeError ? err.code : 'INTERNAL';
      const message = err instanceof Error ? err.message : String(err);
      ctx.state.purges.push({ status: 'failed', op, purgeId, code, message });
      log(JSON.stringify({ level: 'warn', msg: 'purge failed', tenant, op, purgeId, code, error: message }));
    }
  };
}
