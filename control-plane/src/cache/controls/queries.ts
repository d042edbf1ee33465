import { eq } from 'drizzle-orm';
import { edgeSettings, safelistedOperations } from '@conductor/schema/cache';
import type { Db } from '../../db/client.ts';

export interface EdgeSettings {
  cachingEnabled: boolean;
  /** null while the row was never written (defaults apply). */
  updatedAt: Date | null;
}

/** The single edge_settings row, or the defaults when nobody has written it yet. */
export async function getEdgeSettings(db: Db): Promise<EdgeSettings> {
  const [row] = await db.select({ cachingEnabled: edgeSettings.cachingEnabled, updatedAt: edgeSettings.updatedAt }).from(edgeSettings);
  return row ?? { cachingEnabled: true, updatedAt: null };
}

export async function putEdgeSettings(db: Db, settings: { cachingEnabled: boolean }): Promise<void> {
  const now = new Date();
  await db
    .insert(edgeSettings)
    .values({ id: true, cachingEnabled: settings.cachingEnabled, updatedAt: now })
    .onConflictDoUpdate({ target: edgeSettings.id, set: { cachingEnabled: settings.cachingEnabled, updatedAt: now } });
}

/** Flips the switch of every version of one name; returns the ids it touched. */
export async function setOperationCaching(db: Db, name: string, enabled: boolean): Promise<string[]> {
  const rows = await db
    .update(safelistedOperations)
    .set({ cachingEnabled: enabled, updatedAt: new Date() })
    .where(eq(safelistedOperations.name, name))
    .returning({ id: safelistedOperations.id });
  return rows.map((r) => r.id).sort();
}
