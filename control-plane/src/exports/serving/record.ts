import { ErrorCode } from '@conductor/sdk';
import { recordAudit } from '../../audit/record.ts';
import { actorOf, type Principal } from '../../auth/principal.ts';
import type { Db } from '../../db/client.ts';
import { ApiError } from '../../http/errors.ts';
import { resumeOutcome, servingIncrements, type RangeDecision } from '../download/index.ts';
import type { ExportCheckFailure } from '../manifest/index.ts';
import type { ExportRow } from '../queries.ts';
import { exportTarget } from '../service.ts';
import { addServingCounts } from './queries.ts';

export const EXPORT_DOWNLOAD_ACTION = 'export.download';

export interface ServedRequest {
  principal: Principal;
  row: ExportRow;
  /** The chunk served, or null for the whole download. */
  chunk: number | null;
  /** The Range header as sent. */
  range: string | null | undefined;
  decision: Exclude<RangeDecision, { status: 416 }>;
  /** Bytes of the representation (for the resume outcome). */
  size: number;
}

/**
 * A download about to send bytes: its audit entry (who took which bytes of which export) and its
 * counts, in one transaction, before the first byte leaves. Bytes are counted as answered
 * (Content-Length), so a client that hangs up early is counted for what it was sent in full.
 */
export async function recordServed(db: Db, served: ServedRequest): Promise<void> {
  const { row, decision } = served;
  const increments = servingIncrements({ bytes: decision.length, outcome: resumeOutcome(served.range, decision, served.size), corrupt: false });
  await db.transaction(async (tx) => {
    await recordAudit(tx, {
      actor: actorOf(served.principal),
      tenantId: row.tenantId,
      action: EXPORT_DOWNLOAD_ACTION,
      target: exportTarget(row.exportId),
      payload: { chunk: served.chunk, status: decision.status, range: decision.status === 206 ? decision.contentRange : null, bytes: decision.length },
    });
    await addServingCounts(tx, row.tenantId, new Date(), increments);
  });
}

/** A ranged request answered 416: counted as a resume failure unless the client already had it all. */
export async function recordUnsatisfiable(db: Db, row: ExportRow, range: string | null | undefined, decision: RangeDecision, size: number): Promise<void> {
  await addServingCounts(db, row.tenantId, new Date(), servingIncrements({ bytes: 0, outcome: resumeOutcome(range, decision, size), corrupt: false }));
}

/**
 * A stored chunk failed its manifest check: counted (corrupt refusals, and a failed resume when the
 * request was ranged), logged for the operator, and answered 500 EXPORT_CORRUPT. 500 because the
 * fault is the server's (its storage), not the request's, and no retry will mend it: a 502/503
 * would tell clients to retry, a 4xx would blame them. The code says which fault it is.
 */
export async function refuseCorrupt(db: Db, row: ExportRow, failure: ExportCheckFailure, range: string | null | undefined): Promise<ApiError> {
  console.error(`[exports] export ${row.exportId} chunk ${failure.ix ?? '?'} refused: ${failure.code}: ${failure.message}`);
  await addServingCounts(db, row.tenantId, new Date(), servingIncrements({ bytes: 0, outcome: resumeOutcome(range, 'corrupt', 0), corrupt: true }));
  return corruptError(row, failure);
}

export function corruptError(row: ExportRow, failure: ExportCheckFailure): ApiError {
  return new ApiError(
    500,
    ErrorCode.EXPORT_CORRUPT,
    `export "${row.exportId}": chunk ${failure.ix ?? '?'} failed its check against the signed manifest (${failure.code}: ${failure.message}); it is not served until it is restored`,
  );
}
