import { createRoute, z } from '@hono/zod-openapi';
import { AcceptTtlResultSchema, AcceptTtlSchema, GraphqlNameSchema, TtlRecommendationsSchema } from '@conductor/schema/contracts/cache-admin';
import { PLATFORM } from '../../auth/cedar.ts';
import { authorize } from '../../auth/middleware.ts';
import { errorResponses, jsonBody, bearerSecurity } from '../../http/openapi.ts';
import { createRouter } from '../../http/router.ts';
import { METRICS_WINDOW } from '@conductor/schema/contracts/edge-metrics';
import { windowQuery as windowParameters } from '@conductor/schema/contracts/reports';
import { parseWindow } from '../../edge-metrics/window.ts';
import { acceptTtlRecommendation, listTtlRecommendations } from './service.ts';

const tags = ['ttl-tuning'];
const windowQuery = z.object(windowParameters(METRICS_WINDOW.tuningMinutes));
/** TTL tuning reads a day by default (METRICS_WINDOW.tuningMinutes): the model needs a whole daily cycle. */
const tuningWindow = (query: { from?: string; to?: string }) => parseWindow(query, new Date(), METRICS_WINDOW.tuningMinutes);
const RULE =
  'Per operation name, from the edge metrics of the window: hit ratio h0 at the current TTL and the per-key invalidation rate μ; ' +
  'the per-key request rate λ is inferred from h0 = λE[L]/(1+λE[L]), E[L] = (1−e^(−μT))/μ. The recommendation is the smallest round TTL ' +
  'in [5 s, 24 h] whose predicted hit ratio reaches 95% of the attainable λ/(λ+μ); never above the current TTL for operations the ' +
  'invalidation map does not cover; none with fewer than 1000 cacheable requests. See docs/ttl-tuning.md.';

export const routes = createRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/',
      operationId: 'listTtlRecommendations',
      tags,
      security: bearerSecurity,
      summary: 'Recommended TTL per safelisted query, with the expected hit-ratio change and the inputs behind it',
      description: `${RULE} \`from\`/\`to\` default to the last ${METRICS_WINDOW.tuningMinutes / 60} h; at most ${METRICS_WINDOW.maxMinutes / 1440} days.`,
      request: { query: windowQuery },
      responses: {
        200: { description: 'Recommendations', content: { 'application/json': { schema: TtlRecommendationsSchema } } },
        ...errorResponses(400, 401, 403),
      },
    }),
    async (c) => {
      // Cross-tenant traffic figures: the same permission as the other platform-wide metrics.
      await authorize(c, 'readMetrics', PLATFORM);
      return c.json(await listTtlRecommendations(c.var.deps.db, tuningWindow(c.req.valid('query'))), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/{opName}/accept',
      operationId: 'acceptTtlRecommendation',
      tags,
      security: bearerSecurity,
      summary: 'Apply the recommended TTL to every version of an operation (audited)',
      description:
        '`ttlSeconds` must equal the recommendation for the same window (`from`/`to` as in the GET), recomputed at accept time: ' +
        'otherwise 409 CONFLICT naming the current recommendation. Another TTL is a manual change through PATCH /v1/safelist/{id}. ' +
        '404 UNKNOWN_OPERATION when no safelisted document has the name. Accepting a TTL already in place writes nothing.',
      request: { params: z.object({ opName: GraphqlNameSchema }), query: windowQuery, body: jsonBody(AcceptTtlSchema) },
      responses: {
        200: { description: 'Applied (or already in place)', content: { 'application/json': { schema: AcceptTtlResultSchema } } },
        ...errorResponses(400, 401, 403, 404, 409, 413),
      },
    }),
    async (c) => {
      await authorize(c, 'write', PLATFORM);
      const { opName } = c.req.valid('param');
      const window = tuningWindow(c.req.valid('query'));
      return c.json(await acceptTtlRecommendation(c.var.deps.db, c.var.principal.sub, opName, c.req.valid('json').ttlSeconds, window), 200);
    },
  );
