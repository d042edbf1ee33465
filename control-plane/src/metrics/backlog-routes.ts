import { createRoute } from '@hono/zod-openapi';
import { createMiddleware } from 'hono/factory';
import { ErrorCode, OutboxBacklogAcceptedSchema, OutboxBacklogReportSchema, REPLAY_WINDOW_SECONDS, SIGNATURE_HEADER, verifyWebhook } from '@conductor/sdk';
import type { AppEnv } from '../http/env.ts';
import { ApiError } from '../http/errors.ts';
import { errorResponses, jsonBody, signatureSecurity } from '../http/openapi.ts';
import { createRouter } from '../http/router.ts';
import { acceptBacklogReport } from './backlog-service.ts';

// The verified signature's timestamp, handed from the check to the handler.
const signedAtOf = new WeakMap<Request, Date>();

/**
 * The report's only credential is its signature (the purge signing secret, docs/adr/0010): checked
 * over the raw body before the body is validated, so an unsigned sender learns nothing but 401.
 */
const requireSignature = createMiddleware<AppEnv>(async (c, next) => {
  const check = await verifyWebhook(c.var.deps.purgeSecret, await c.req.text(), c.req.header(SIGNATURE_HEADER));
  if (!check.ok) throw new ApiError(401, ErrorCode[check.code], check.message);
  signedAtOf.set(c.req.raw, new Date(check.timestamp * 1000));
  await next();
});

/** POST /v1/metrics/outbox-backlog: mounted outside requireAuth (app.ts); no JWT. */
export const backlogRoutes = createRouter().openapi(
  createRoute({
    method: 'post',
    path: '/',
    operationId: 'ingestOutboxBacklog',
    tags: ['metrics'],
    security: signatureSecurity,
    summary: 'Signed backlog report of an origin purge outbox: purges pending and refused per tenant',
    description:
      `HMAC-SHA256 over \`t.body\` in \`${SIGNATURE_HEADER}: t=<unix>,v1=<hex>\` with the purge signing secret, ${REPLAY_WINDOW_SECONDS} s window. ` +
      'Each report replaces the previous one of its `source`; the same `reportId` again is 409 SIGNATURE_REPLAYED, a report signed before the stored one 409 CONFLICT. ' +
      'Read by the ConductorInvalidationBacklog alert (docs/reports.md §5).',
    middleware: [requireSignature],
    request: { body: jsonBody(OutboxBacklogReportSchema) },
    responses: {
      202: { description: 'Stored as the source’s latest report', content: { 'application/json': { schema: OutboxBacklogAcceptedSchema } } },
      ...errorResponses(400, 401, 409, 413),
    },
  }),
  async (c) => {
    const signedAt = signedAtOf.get(c.req.raw);
    if (!signedAt) throw new ApiError(401, ErrorCode.SIGNATURE_MISSING, `missing ${SIGNATURE_HEADER} header`);
    return c.json(await acceptBacklogReport(c.var.deps.db, c.req.valid('json'), signedAt, new Date()), 202);
  },
);

