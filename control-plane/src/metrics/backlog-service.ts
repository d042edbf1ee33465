import { ErrorCode, type OutboxBacklogAccepted, type OutboxBacklogReport } from '@conductor/sdk';
import type { Db } from '../db/client.ts';
import { ApiError } from '../http/errors.ts';
import { storeBacklogReport } from './backlog-queries.ts';

/** Stores a verified report as its source's latest; a replay or an older report is refused and writes nothing. */
export async function acceptBacklogReport(db: Db, report: OutboxBacklogReport, signedAt: Date, now: Date): Promise<OutboxBacklogAccepted> {
  const outcome = await storeBacklogReport(db, { source: report.source, reportId: report.reportId, signedAt, receivedAt: now, tenants: report.tenants });
  if (outcome === 'replayed') throw new ApiError(409, ErrorCode.SIGNATURE_REPLAYED, `backlog report ${report.reportId} of ${report.source} was already received`);
  if (outcome === 'superseded') {
    throw new ApiError(409, ErrorCode.CONFLICT, `a backlog report of ${report.source} signed after ${signedAt.toISOString()} is already stored; send a fresh report`);
  }
  return { accepted: true, source: report.source, signedAt: signedAt.toISOString() };
}
