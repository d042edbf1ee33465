import { ErrorCode, isDryRun, parsePurgeCommandWith, type PurgeCommand, type PurgeDryRunRequest, type PurgeReceipt, type PurgeRequest, SIGNATURE_HEADER, verifyWebhook } from '@conductor/sdk';
import { parseJsonOrUndefined } from '../cache/storable.ts';
import type { EdgeContext } from '../context.ts';
import { DRY_RUN_FORMS, PURGE_FORMS } from '../contracts/purge-request.ts';
import { readTextLimited } from '../http/body.ts';
import { EdgeError } from '../http/errors.ts';
import { dryRunPurge } from './dry-run.ts';
import { purgeTags } from './purge-tags.ts';

/**
 * POST /__edge/purge. The signature covers the raw bytes, so it is checked before anything is
 * parsed; idempotency comes from the Durable Object's purge ledger, which is also what turns a
 * replay of a signed body into `duplicate: true`. Applied purges and refused or failed requests
 * go into the metrics batch. A dry run (`dryRun: true`, signed like any purge) goes to
 * dry-run.ts and leaves no trace: no bump, no ledger entry, no purge metric.
 */
export async function handlePurge(request: Request, cx: EdgeContext): Promise<Response> {
  const raw = await readTextLimited(request);
  let dryRun = false;
  try {
    const json = await verifiedJson(raw, request.headers.get(SIGNATURE_HEADER), cx);
    dryRun = typeof json === 'object' && json !== null && 'dryRun' in json;
    const command = parseCommand(json);
    if (isDryRun(command)) return Response.json(await dryRunPurge(command, cx), { headers: { 'cache-control': 'no-store' } });
    return await applyPurge(command, cx);
  } catch (err) {
    // Until the signature is verified nothing in the body is trusted, its dryRun flag included;
    // a verified dry run that fails is a failed preview, not a failed purge.
    if (!dryRun) await countFailure(raw, cx);
    throw err;
  } finally {
    cx.shipMetrics();
  }
}

/**
 * A refused request is counted against the tenant its body names, when that is a tenant this edge
 * serves, even though an unsigned body proves nothing: the count is what shows an operator that
 * someone sends that tenant's purges with a wrong secret. Other bodies are not attributed.
 */
async function countFailure(raw: string, cx: EdgeContext): Promise<void> {
  const tenant = (parseJsonOrUndefined(raw) as { tenant?: unknown } | undefined)?.tenant;
  if (typeof tenant !== 'string') return;
  try {
    if ((await cx.config.get(cx.waitUntil)).tenants.has(tenant)) cx.metrics.purgeFailure(tenant);
  } catch {
    // No config: no tenant can be confirmed, so nothing is attributed.
  }
}

async function verifiedJson(raw: string, signature: string | null, cx: EdgeContext): Promise<unknown> {
  const check = await verifyWebhook(cx.settings.purgeSecret, raw, signature);
  if (!check.ok) throw new EdgeError(401, ErrorCode[check.code], check.message);
  try {
    return JSON.parse(raw);
  } catch {
    throw new EdgeError(400, ErrorCode.BAD_JSON, 'purge body is not valid JSON');
  }
}

/** A purge, or a dry run when the body has a `dryRun` member. */
function parseCommand(json: unknown): PurgeCommand {
  const parsed = parsePurgeCommandWith<PurgeRequest, PurgeDryRunRequest>({ purge: PURGE_FORMS, dryRun: DRY_RUN_FORMS }, json);
  if (!parsed.ok) throw new EdgeError(400, ErrorCode.VALIDATION_FAILED, `invalid ${parsed.problem}`);
  return parsed.command;
}

async function applyPurge(req: PurgeRequest, cx: EdgeContext): Promise<Response> {
  if (!req.purgeId) throw new EdgeError(400, ErrorCode.VALIDATION_FAILED, 'purgeId is required on the purge hook');
  const index = await cx.config.get(cx.waitUntil);
  if (!index.tenants.has(req.tenant)) throw new EdgeError(404, ErrorCode.UNKNOWN_TENANT, `unknown tenant ${req.tenant}`);
  const tags = purgeTags(req, index);
  let result;
  try {
    result = await cx.generations.bump(req.tenant, req.purgeId, tags);
  } catch (err) {
    console.error('edge: generations bump failed', String(err));
    throw new EdgeError(503, ErrorCode.EDGE_UNAVAILABLE, 'generation store unavailable; purge not applied');
  }
  const receipt: PurgeReceipt = {
    purgeId: result.purgeId,
    tenant: req.tenant,
    tags: result.tags,
    generations: result.generations,
    duplicate: result.duplicate,
    appliedAt: result.appliedAt,
  };
  cx.metrics.purge({ purgeId: receipt.purgeId, tenant: receipt.tenant, tags: receipt.tags, duplicate: receipt.duplicate, appliedAt: receipt.appliedAt });
  return Response.json(receipt, { headers: { 'cache-control': 'no-store' } });
}
