import { canonicalJson, ErrorCode } from '@conductor/sdk';
import type { EdgeInvalidation, VarsSelector } from '@conductor/schema/contracts/edge-config';
import type { Actor } from '../../auth/principal.ts';
import { recordAudit } from '../../audit/record.ts';
import type { Db } from '../../db/client.ts';
import { ApiError } from '../../http/errors.ts';
import { lockCacheConfig } from '../lock.ts';
import { getOperationsByName } from '../safelist/queries.ts';
import { checkInvalidation } from '../selectors.ts';
import { deleteInvalidation, getInvalidation, upsertInvalidation } from './queries.ts';

export interface PutResult {
  entry: EdgeInvalidation;
  created: boolean;
}

/** Upsert; a PUT that changes nothing writes nothing (and so leaves no audit row). */
export async function putInvalidation(
  db: Db,
  actor: Actor,
  mutationOp: string,
  affectedOp: string,
  varsSelector: VarsSelector,
): Promise<PutResult> {
  // `{}` and null both mean "every variant": store one spelling so the config version does not flap.
  const selector = varsSelector && Object.keys(varsSelector).length > 0 ? varsSelector : null;
  const entry: EdgeInvalidation = { mutationOp, affectedOp, varsSelector: selector };
  return db.transaction(async (tx) => {
    await lockCacheConfig(tx);
    checkInvalidation(entry, await getOperationsByName(tx, affectedOp));
    const current = await getInvalidation(tx, mutationOp, affectedOp);
    // jsonb does not keep key order: compare canonically.
    if (current && canonicalJson(current.varsSelector) === canonicalJson(selector)) {
      return { entry: current, created: false };
    }
    const saved = await upsertInvalidation(tx, entry);
    await recordAudit(tx, {
      actor,
      tenantId: null,
      action: current ? 'invalidation.update' : 'invalidation.create',
      target: `invalidation:${mutationOp}/${affectedOp}`,
      payload: { before: current?.varsSelector ?? null, after: selector },
    });
    return { entry: saved, created: !current };
  });
}

export async function removeInvalidation(db: Db, actor: Actor, mutationOp: string, affectedOp: string): Promise<void> {
  await db.transaction(async (tx) => {
    await lockCacheConfig(tx);
    const current = await getInvalidation(tx, mutationOp, affectedOp);
    if (!current) throw new ApiError(404, ErrorCode.NOT_FOUND, `no invalidation entry ${mutationOp} → ${affectedOp}`);
    await deleteInvalidation(tx, mutationOp, affectedOp);
    await recordAudit(tx, {
      actor,
      tenantId: null,
      action: 'invalidation.delete',
      target: `invalidation:${mutationOp}/${affectedOp}`,
      payload: { before: current.varsSelector },
    });
  });
}
