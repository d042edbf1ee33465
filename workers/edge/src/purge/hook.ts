import { ErrorCode } from '../../../../schema/contracts/errors.ts';
import { PurgeRequestSchema, type PurgeReceipt } from '../../../../schema/contracts/purge.ts';
import { SIGNATURE_HEADER, verifyWebhook } from '../../../../sdk/src/core/webhook-signature.ts';
import type { EdgeContext } from '../context.ts';
import { readTextLimited } from '../http/body.ts';
import { EdgeError } from '../http/errors.ts';
import { purgeTags } from './purge-tags.ts';

/**
 * POST /__edge/purge. The signature covers the raw bytes, so it is checked before anything is
 * parsed; idempotency comes from the Durable Object's purge ledger, which is also what turns a
 * replay of a signed body into `duplicate: true`.
 */
export async function handlePurge(request: Request, cx: EdgeContext): Promise<Response> {
  const raw = await readTextLimited(request);
  const check = await verifyWebhook(cx.settings.purgeSecret, raw, request.headers.get(SIGNATURE_HEADER));
  if (!check.ok) throw new EdgeError(401, ErrorCode[check.code], check.message);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new EdgeError(400, ErrorCode.BAD_JSON, 'purge body is not valid JSON');
  }
  const parsed = PurgeRequestSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
    throw new EdgeError(400, ErrorCode.VALIDATION_FAILED, `invalid purge request: ${problems}`);
  }
  const req = parsed.data;
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
  return Response.json(receipt, { headers: { 'cache-control': 'no-store' } });
}
