import { inArray, sql } from 'drizzle-orm';
import { dataExports, exportChunks } from '@conductor/schema/exports';
import type { Db } from '../../db/client.ts';
import type { SweepExportState } from './select.ts';

// export_id is a uuid column: an id of another shape has no row, and must not reach the query.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The state of each export named that has a row: its status and how far its chunks are recorded. */
export async function exportSweepStates(db: Db, exportIds: readonly string[]): Promise<Map<string, SweepExportState>> {
  const ids = exportIds.filter((id) => UUID.test(id));
  const states = new Map<string, SweepExportState>();
  if (ids.length === 0) return states;
  const rows = await db
    .select({
      exportId: dataExports.exportId,
      status: dataExports.status,
      recordedChunks: sql<number>`coalesce((select max(${exportChunks.ix}) + 1 from ${exportChunks} where ${exportChunks.exportId} = ${dataExports.exportId}), 0)::int`,
    })
    .from(dataExports)
    .where(inArray(dataExports.exportId, ids));
  for (const row of rows) states.set(row.exportId, { status: row.status, recordedChunks: row.recordedChunks });
  return states;
}
