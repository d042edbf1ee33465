import { eq } from 'drizzle-orm';
import { safelistedOperations } from '@conductor/schema/cache';
import type { Db } from '../../db/client.ts';

/** Sets the TTL of every version of a name; returns the ids written. */
export async function setTtlByName(db: Db, name: string, ttlSeconds: number): Promise<string[]> {
  const rows = await db
    .update(safelistedOperations)
    .set({ ttlSeconds, updatedAt: new Date() })
    .where(eq(safelistedOperations.name, name))
    .returning({ id: safelistedOperations.id });
  return rows.map((r) => r.id).sort();
}
