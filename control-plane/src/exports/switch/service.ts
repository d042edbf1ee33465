import type { ExportsSwitch } from '@conductor/schema/contracts/exports';
import { ErrorCode } from '@conductor/sdk';
import { recordAudit } from '../../audit/record.ts';
import { authorizeAs } from '../../auth/authorize.ts';
import { PLATFORM } from '../../auth/cedar.ts';
import { actorOf, type Principal } from '../../auth/principal.ts';
import type { Db } from '../../db/client.ts';
import { ApiError } from '../../http/errors.ts';
import { getExportsSwitch, lockExportsSwitch, putExportsSwitch, type ExportsSwitchRow } from './queries.ts';

/*
 * The backout "hide RAG export" (docs/adr/0017): a platform switch like the caching ones
 * (cache/controls). Off, it refuses creation and everything a pull reads with 503
 * EXPORTS_DISABLED; listing, status and review go on, builds continue, and nothing is deleted, so
 * switching back on serves the same exports again.
 */

export const EXPORTS_SWITCH_ACTION = 'exports.switch.set';

function toSwitch(row: ExportsSwitchRow): ExportsSwitch {
  return { exportsEnabled: row.exportsEnabled, updatedAt: row.updatedAt?.toISOString() ?? null, updatedBy: row.updatedBy };
}

export async function getExportsSwitchState(db: Db): Promise<ExportsSwitch> {
  return toSwitch(await getExportsSwitch(db));
}

/** Cedar `switchExports` on the platform; a call that changes nothing writes (and audits) nothing. */
export async function setExportsEnabled(db: Db, principal: Principal, enabled: boolean): Promise<ExportsSwitch> {
  authorizeAs(principal, 'switchExports', PLATFORM);
  const actor = actorOf(principal);
  await db.transaction(async (tx) => {
    await lockExportsSwitch(tx);
    const before = await getExportsSwitch(tx);
    if (before.exportsEnabled === enabled) return;
    await putExportsSwitch(tx, { exportsEnabled: enabled, updatedBy: actor });
    await recordAudit(tx, {
      actor,
      tenantId: null,
      action: EXPORTS_SWITCH_ACTION,
      target: 'exports:switch',
      payload: { before: { exportsEnabled: before.exportsEnabled }, after: { exportsEnabled: enabled } },
    });
  });
  return getExportsSwitchState(db);
}

/** Throws 503 EXPORTS_DISABLED while the backout is on. */
export async function assertExportsEnabled(db: Db): Promise<void> {
  const state = await getExportsSwitch(db);
  if (state.exportsEnabled) return;
  throw new ApiError(
    503,
    ErrorCode.EXPORTS_DISABLED,
    `exports are switched off (since ${state.updatedAt?.toISOString() ?? 'unknown'}, by ${state.updatedBy ?? 'unknown'}): no export can be created or downloaded until a platform admin switches them back on (PUT /v1/exports/switch)`,
  );
}
