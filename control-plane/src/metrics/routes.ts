import { createRoute, z } from '@hono/zod-openapi';
import { EdgeMetricsBatchSchema } from '@conductor/schema/contracts/metrics';
import { PLATFORM } from '../auth/cedar.ts';
import { authorize, requireAuth } from '../auth/middleware.ts';
import { bearerSecurity, errorResponses, jsonBody } from '../http/openapi.ts';
import { createRouter } from '../http/router.ts';
import { buildExposition, WINDOW_MINUTES } from './exposition.ts';
import { EXPOSITION_CONTENT_TYPE } from './prometheus.ts';
import { ingestBatch } from './service.ts';

/**
 * Body limit of POST /v1/metrics/edge (the app default is 256 KiB). A series with realistic
 * total and origin histograms is 0.5–1 KiB of JSON, so 256 KiB would cap a batch at a few hundred
 * (tenant, operation, status) series. The edge ships at 1 000 buffered series but, after an
 * outage, may send its whole buffer (up to 5 000 series and 5 000 purge acks, workers/edge
 * metrics/recorder.ts) in one batch; it drops a batch answered 413, so the limit must hold that.
 */
export const EDGE_METRICS_MAX_BODY_BYTES = 8 * 1024 * 1024;
export const EDGE_METRICS_PATH = '/v1/metrics/edge';

const IngestResultSchema = z.object({ accepted: z.literal(true), duplicate: z.boolean() }).openapi('EdgeMetricsAccepted');

export const routes = createRouter().openapi(
  createRoute({
    method: 'post',
    path: '/edge',
    operationId: 'ingestEdgeMetrics',
    tags: ['metrics'],
    security: bearerSecurity,
    summary: 'Edge traffic metrics and purge acknowledgements (edge service token, scope edge.metrics)',
    description:
      'One batch per edge flush, stored in one transaction. Counts and latency-histogram buckets are added to what is stored; ' +
      '`batchId` makes a retried batch count once (answered `duplicate: true`). Body limit 8 MiB.',
    request: { body: jsonBody(EdgeMetricsBatchSchema) },
    responses: {
      202: { description: 'Stored (or already stored)', content: { 'application/json': { schema: IngestResultSchema } } },
      ...errorResponses(400, 401, 403, 413),
    },
  }),
  async (c) => {
    await authorize(c, 'ingestMetrics', PLATFORM);
    return c.json(await ingestBatch(c.var.deps.db, c.req.valid('json')), 202);
  },
);

/**
 * GET /metrics at the control plane root (outside /v1, where scrapers look by default). Bearer
 * token required: scope metrics.read (a scraper credential) or role platform-admin, since it
 * spans every tenant.
 */
export const scrapeRoutes = createRouter();
scrapeRoutes.use('*', requireAuth);
scrapeRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/',
    operationId: 'scrapeMetrics',
    tags: ['metrics'],
    security: bearerSecurity,
    summary: 'Prometheus text exposition of cache and purge metrics over every tenant (metrics.read or platform-admin)',
    description: `Hit ratio, p95 delta, request durations (histogram), invalidations per minute, unacknowledged purges, purge failures and alerts, over the last ${WINDOW_MINUTES} whole minutes. See docs/reports.md for names and scraping.`,
    responses: {
      200: { description: 'Exposition format 0.0.4', content: { 'text/plain': { schema: z.string() } } },
      ...errorResponses(401, 403),
    },
  }),
  async (c) => {
    await authorize(c, 'readMetrics', PLATFORM);
    return c.text(await buildExposition(c.var.deps.db, new Date()), 200, { 'content-type': EXPOSITION_CONTENT_TYPE, 'cache-control': 'no-store' });
  },
);
