import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';

/**
 * Safelist and invalidation-map writes check invariants across both tables (a selector's
 * variables must be declared by every version of its operation). Under READ COMMITTED two such
 * transactions could each pass their check and together break it, so they take this
 * transaction-scoped lock first. The two-key form keeps it apart from the audit chain's lock.
 */
export async function lockCacheConfig(tx: Db): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('conductor'), hashtext('cache-config'))`);
}
