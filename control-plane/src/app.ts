import { createRoute, z } from '@hono/zod-openapi';
import { sql } from 'drizzle-orm';
import { except } from 'hono/combine';
import { requestId } from 'hono/request-id';
import { createAdminRoutes } from './admin/routes.tsx';
import { routes as auditRoutes } from './audit/routes.ts';
import { routes as cacheControlsRoutes } from './cache/controls/routes.ts';
import { routes as edgeConfigRoutes } from './cache/edge-config/routes.ts';
import { reviewRoutes as exportReviewRoutes } from './exports/review-routes.ts';
import { routes as exportRoutes } from './exports/routes.ts';
import { routes as invalidationMapRoutes } from './cache/invalidation-map/routes.ts';
import { historyRoutes as purgeHistoryRoutes, routes as purgeRoutes } from './cache/purge/routes.ts';
import { routes as catalogRoutes } from './catalog/routes.ts';
import { routes as graphqlRoutes } from './graphql/routes.ts';
import { SAFELIST_MANIFEST_MAX_BODY_BYTES, SAFELIST_MANIFEST_PATH, routes as safelistRoutes } from './cache/safelist/routes.ts';
import { routes as ttlTuningRoutes } from './cache/ttl-tuning/routes.ts';
import { requireAuth } from './auth/middleware.ts';
import { bodyLimit } from './http/body-limit.ts';
import type { AppDeps } from './http/env.ts';
import { notFound, onError } from './http/errors.ts';
import { publicSecurity, registerSecuritySchemes } from './http/openapi.ts';
import { createRouter, parseJsonBody } from './http/router.ts';
import { routes as tenantRoutes } from './tenants/routes.ts';
import { OUTBOX_BACKLOG_PATH } from '@conductor/sdk';
import { backlogRoutes } from './metrics/backlog-routes.ts';
import { EDGE_METRICS_MAX_BODY_BYTES, EDGE_METRICS_PATH, routes as metricsRoutes, scrapeRoutes } from './metrics/routes.ts';
import { routes as reportRoutes } from './reports/routes.ts';
import { routes as alertRoutes } from './alerts/routes.ts';

export const MAX_BODY_BYTES = 256 * 1024;

// Private members a JWK may carry; the JWKS endpoint must never echo them even if misconfigured.
const PRIVATE_JWK_FIELDS = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth']);

/** The control plane: middleware and routers only; runs unchanged on Node and as a Worker. */
export function createApp(deps: AppDeps) {
  const app = createRouter();
  app.onError(onError);
  app.notFound(notFound);
  app.use('*', requestId());
  app.use('*', async (c, next) => {
    c.set('deps', deps);
    await next();
  });
  // Edge metric batches and safelist manifests alone get larger limits (sized beside their routes);
  // they must apply here, before parseJsonBody reads the body, so no route sees an unbounded body.
  app.use(EDGE_METRICS_PATH, bodyLimit(EDGE_METRICS_MAX_BODY_BYTES));
  app.use(SAFELIST_MANIFEST_PATH, bodyLimit(SAFELIST_MANIFEST_MAX_BODY_BYTES));
  app.use('*', except([EDGE_METRICS_PATH, SAFELIST_MANIFEST_PATH], bodyLimit(MAX_BODY_BYTES)));
  // Before parseJsonBody: GraphQL answers malformed bodies with GraphQL-style errors of its own.
  app.route('/graphql', graphqlRoutes);
  app.use('*', parseJsonBody);
  // Outbox backlog reports carry an HMAC signature instead of a JWT (metrics/backlog-routes.ts).
  app.use('/v1/*', except(OUTBOX_BACKLOG_PATH, requireAuth));

  app.route('/v1/tenants', tenantRoutes);
  app.route('/v1/audit', auditRoutes);
  app.route('/v1/safelist', safelistRoutes);
  app.route('/v1/invalidation-map', invalidationMapRoutes);
  app.route('/v1/edge', edgeConfigRoutes);
  app.route('/v1/purge', purgeRoutes);
  app.route('/v1/purges', purgeHistoryRoutes);
  app.route('/v1/catalog', catalogRoutes);
  app.route(OUTBOX_BACKLOG_PATH, backlogRoutes);
  app.route('/v1/metrics', metricsRoutes);
  app.route('/v1/reports', reportRoutes);
  app.route('/v1/alerts', alertRoutes);
  app.route('/metrics', scrapeRoutes);
  app.route('/admin', createAdminRoutes(app));
  app.route('/v1/cache/controls', cacheControlsRoutes);
  app.route('/v1/cache/ttl-recommendations', ttlTuningRoutes);
  app.route('/v1/exports', exportRoutes);
  app.route('/v1/exports', exportReviewRoutes);

  app.openapi(
    createRoute({
      method: 'get',
      path: '/.well-known/jwks.json',
      operationId: 'getJwks',
      tags: ['auth'],
      summary: 'Public keys that verify Conductor JWTs',
      security: publicSecurity,
      responses: { 200: { description: 'JSON Web Key Set', content: { 'application/json': { schema: z.object({ keys: z.array(z.record(z.string(), z.unknown())) }) } } } },
    }),
    (c) => {
      const keys = c.var.deps.publicJwks.map((jwk) => Object.fromEntries(Object.entries(jwk).filter(([k]) => !PRIVATE_JWK_FIELDS.has(k))));
      c.header('cache-control', 'public, max-age=300');
      return c.json({ keys }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/healthz',
      operationId: 'checkHealth',
      tags: ['ops'],
      summary: 'Liveness, including a database round trip',
      security: publicSecurity,
      responses: { 200: { description: 'Healthy', content: { 'application/json': { schema: z.object({ ok: z.literal(true) }) } } } },
    }),
    async (c) => {
      await c.var.deps.db.execute(sql`select 1`);
      return c.json({ ok: true as const }, 200);
    },
  );

  registerSecuritySchemes(app.openAPIRegistry);
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'Conductor control plane', version: '0.1.0', description: 'Tenants, cache configuration, purges, exports and the audit log.' },
    // Relative: the API is wherever this document was fetched from (Node locally, a Worker in production).
    servers: [{ url: '/', description: 'The control plane that serves this document' }],
  });
  return app;
}
