import { sql } from 'drizzle-orm';
import { exportSettings } from '@conductor/schema/exports';
import type { Db } from '../../db/client.ts';

export interface ExportsSwitchRow {
  exportsEnabled: boolean;
  /** null while the row was never written (switched on by default). */
  updatedAt: Date | null;
  updatedBy: string | null;
}

/** The single export_settings row, or "on" when nobody has written it yet. */
export async function getExportsSwitch(db: Db): Promise<ExportsSwitchRow> {
  const [row] = await db.select({ exportsEnabled: exportSettings.exportsEnabled, updatedAt: exportSettings.updatedAt, updatedBy: exportSettings.updatedBy }).from(exportSettings);
  return row ?? { exportsEnabled: true, updatedAt: null, updatedBy: null };
}

/**
 * Serialises flips of the switch for the rest of the transaction, so two flips in flight each audit
 * the state they really changed. An advisory lock, since the row may not exist yet. The two-key
 * form keeps it apart from the audit chain's and the cache config's locks.
 */
export async function lockExportsSwitch(tx: Db): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('conductor'), hashtext('exports-switch'))`);
}

export async function putExportsSwitch(tx: Db, value: { exportsEnabled: boolean; updatedBy: string }): Promise<void> {
  await tx
    .insert(exportSettings)
    .values({ id: true, ...value, updatedAt: new Date() })
    .onConflictDoUpdate({ target: exportSettings.id, set: { ...value, updatedAt: new Date() } });
}
