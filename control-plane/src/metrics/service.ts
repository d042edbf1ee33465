import { ErrorCode } from '@conductor/sdk';
import type { EdgeMetricsBatch } from '@conductor/schema/contracts/metrics';
import type { Db } from '../db/client.ts';
import { ApiError } from '../http/errors.ts';
import { aggregateBatch } from './aggregate.ts';
import { addBuckets, addFailures, addMinutes, claimBatch, saveReceipts } from './queries.ts';

export interface IngestResult {
  accepted: true;
  duplicate: boolean;
}

/**
 * Stores one edge batch in one transaction: the batch id is claimed first, so a retried batch
 * (the edge did not see our 202) is acknowledged without being counted again, and a batch that
 * fails half-way leaves nothing behind and can be retried whole.
 */
export async function ingestBatch(db: Db, batch: EdgeMetricsBatch, receivedAtMs = Date.now()): Promise<IngestResult> {
  const aggregated = aggregateBatch(batch, receivedAtMs);
  if (!aggregated.ok) throw new ApiError(400, ErrorCode.VALIDATION_FAILED, aggregated.issues.join('; '));
  const { rows } = aggregated;
  return db.transaction(async (tx) => {
    if (!(await claimBatch(tx, batch.batchId))) return { accepted: true as const, duplicate: true };
    await addMinutes(tx, rows.minutes);
    await addBuckets(tx, rows.buckets);
    await saveReceipts(tx, rows.receipts);
    await addFailures(tx, rows.failures);
    return { accepted: true as const, duplicate: false };
  });
}
