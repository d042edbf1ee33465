import type { ContentfulStatusCode } from 'hono/utils/http-status';
import {
  createPurgeClient,
  ErrorCode,
  PurgeError,
  type PurgeDryRun,
  type PurgeDryRunRequest,
  type PurgeReceipt,
  type PurgeRequest,
} from '@conductor/sdk';
import type { PurgeEvent } from '@conductor/schema/contracts/cache-admin';
import { recordAudit } from '../../audit/record.ts';
import type { AppDeps } from '../../http/env.ts';
import { ApiError } from '../../http/errors.ts';
import { getTenant } from '../../tenants/queries.ts';
import { getPurgeEvent, savePurgeEvent, type PurgeEventRow } from './queries.ts';

// An admin is waiting on the answer: retry a flaky edge briefly, then report it as down.
const EDGE_RETRIES = 2;
const ERROR_CODES = new Set<string>(Object.values(ErrorCode));

export function toPurgeEvent(row: PurgeEventRow): PurgeEvent {
  return {
    purgeId: row.purgeId,
    tenant: row.tenantId,
    request: row.request,
    receipt: row.receipt,
    status: row.status,
    error: row.error,
    actor: row.actor,
    createdAt: row.createdAt.toISOString(),
  };
}

type EdgeFailure = { kind: 'rejected'; status: ContentfulStatusCode; code: ErrorCode; message: string } | { kind: 'failed'; message: string };
type EdgeOutcome = { kind: 'receipt'; receipt: PurgeReceipt } | EdgeFailure;

/**
 * Forwards an admin purge to the edge hook, signed like any other purge webhook. The edge owns
 * the generations, so nothing is recorded as applied until it answers with a receipt; an edge
 * that cannot be reached is recorded as a failed purge, so operators see that it did not happen.
 */
export async function forwardPurge(deps: AppDeps, actor: string, input: PurgeRequest): Promise<PurgeReceipt> {
  const { db } = deps;
  if (!(await getTenant(db, input.tenant))) throw new ApiError(404, ErrorCode.UNKNOWN_TENANT, `tenant "${input.tenant}" does not exist`);
  const purgeId = input.purgeId ?? `cp-${crypto.randomUUID()}`;
  const request: PurgeRequest = { ...input, purgeId };
  const earlier = await getPurgeEvent(db, purgeId);
  if (earlier && earlier.tenantId !== request.tenant) {
    throw new ApiError(409, ErrorCode.CONFLICT, `purge id ${purgeId} was already used for another tenant`);
  }

  const outcome = await callEdge(deps, request);
  if (outcome.kind === 'rejected') throw new ApiError(outcome.status, outcome.code, outcome.message);

  await db.transaction(async (tx) => {
    const base = { purgeId, tenantId: request.tenant, request, actor };
    const row =
      outcome.kind === 'receipt'
        ? { ...base, receipt: outcome.receipt, status: outcome.receipt.duplicate ? ('duplicate' as const) : ('applied' as const), error: null }
        : { ...base, receipt: null, status: 'failed' as const, error: outcome.message };
    await savePurgeEvent(tx, row);
    await recordAudit(tx, {
      actor,
      tenantId: request.tenant,
      action: outcome.kind === 'receipt' ? 'cache.purge' : 'cache.purge.failed',
      target: `purge:${purgeId}`,
      payload: { request, status: row.status, receipt: row.receipt, error: row.error },
    });
  });
  if (outcome.kind === 'failed') throw new ApiError(502, ErrorCode.EDGE_UNAVAILABLE, outcome.message);
  return outcome.receipt;
}

/**
 * A purge's dry run, answered by the edge (which resolves the tags and counts live entries in the
 * tenant's generations object). It changes nothing, so nothing is recorded: no purge event, no
 * audit row. The edge's 4xx are passed through; an edge that fails or cannot be reached is 502.
 */
export async function dryRunPurge(deps: AppDeps, request: PurgeDryRunRequest): Promise<PurgeDryRun> {
  if (!(await getTenant(deps.db, request.tenant))) throw new ApiError(404, ErrorCode.UNKNOWN_TENANT, `tenant "${request.tenant}" does not exist`);
  try {
    const answer = await edgeClient(deps).dryRun(request);
    if (answer.tenant === request.tenant) return answer;
    throw new ApiError(502, ErrorCode.EDGE_UNAVAILABLE, `edge answered with a dry run for ${answer.tenant}`);
  } catch (err) {
    const failure = edgeFailure(err);
    if (failure.kind === 'rejected') throw new ApiError(failure.status, failure.code, failure.message);
    throw new ApiError(502, ErrorCode.EDGE_UNAVAILABLE, failure.message);
  }
}

function edgeClient(deps: AppDeps) {
  return createPurgeClient({ edgeUrl: deps.edgeUrl, secret: deps.purgeSecret, fetch: deps.fetch, retries: EDGE_RETRIES });
}

async function callEdge(deps: AppDeps, request: PurgeRequest): Promise<EdgeOutcome> {
  try {
    const receipt = await edgeClient(deps).purge(request);
    if (receipt.purgeId === request.purgeId && receipt.tenant === request.tenant) return { kind: 'receipt', receipt };
    return { kind: 'failed', message: `edge answered with a receipt for ${receipt.tenant}/${receipt.purgeId}` };
  } catch (err) {
    return edgeFailure(err);
  }
}

function edgeFailure(err: unknown): EdgeFailure {
  if (!(err instanceof PurgeError)) throw err;
  // A signature the edge refuses means the two sides disagree on the secret (or the clock):
  // an operational failure of the control plane, not a mistake in the admin's request.
  const clientError = err.status !== undefined && err.status >= 400 && err.status < 500 && !err.code.startsWith('SIGNATURE_');
  if (!clientError) {
    const answer = err.status === undefined ? err.code : `edge answered ${err.status} ${err.code}`;
    return { kind: 'failed', message: `${answer}: ${err.message}` };
  }
  const code = ERROR_CODES.has(err.code) ? (err.code as ErrorCode) : ErrorCode.BAD_REQUEST;
  return { kind: 'rejected', status: err.status as ContentfulStatusCode, code, message: err.message };
}
