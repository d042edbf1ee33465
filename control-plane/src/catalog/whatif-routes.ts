import { createRoute, z } from '@hono/zod-openapi';
import {
  InputSourceSchema,
  ServiceOpSchema,
  SweepPointSchema,
  WhatIfRequestSchema,
  WhatIfSweepRequestSchema,
} from '@conductor/schema/contracts/catalog';
import { errorResponses, jsonBody, bearerSecurity } from '../http/openapi.ts';
import { createRouter } from '../http/router.ts';
import { authorizeWhatIf } from './access.ts';
import { FormatQuerySchema } from './export.ts';
import { runSweep, runWhatIf, sweepCsv, whatIfCsv } from './whatif.ts';

const tags = ['catalog'];

const Sourced = z.object({ value: z.number(), source: InputSourceSchema });
const InputsSchema = z
  .object({
    arrivalRatePerSecond: Sourced,
    hitRatio: Sourced,
    hitLatencyMs: Sourced.describe('mean edge latency of a cache-answered request (HIT, STALE, COALESCED)'),
    serviceTimeMeanMs: Sourced,
    serviceTimeScv: Sourced,
    burstiness: Sourced,
    instances: Sourced,
    perInstanceConcurrency: Sourced,
  })
  .describe('Each input with its source: observed (edge metrics), catalog (fallback), default, or override');
const ObservedSchema = z.object({
  window: z.object({ from: z.string(), to: z.string(), minutes: z.number().int() }),
  opIds: z.array(z.string()),
  tenant: z.string().nullable(),
  requests: z.number(),
  originSamples: z.number(),
});
const WhatIfAnswerSchema = z
  .object({
    op: ServiceOpSchema,
    mode: z.enum(['analytic', 'simulate']),
    inputs: InputsSchema,
    observed: ObservedSchema,
    scenario: z.record(z.string(), z.unknown()).describe('the queueing module input'),
    result: z.record(z.string(), z.unknown()).describe('predict() or simulate() result; money as integer micro-dollar strings'),
    analytic: z.record(z.string(), z.unknown()).optional(),
  })
  .openapi('WhatIfAnswer');

export const whatIfRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'post',
      path: '/whatif',
      operationId: 'runWhatIf',
      tags,
      security: bearerSecurity,
      summary: "Predict an op's p95/p99, SLO and cost under what-if overrides (analytic or simulated)",
      description:
        'Baseline inputs come from the edge metrics of the op’s safelisted operation over `windowMinutes` (arrival rate, hit ratio, hit latency, origin ' +
        'service time mean/SCV), each falling back to the catalog (hit latency: a default) when absent. `?format=csv` answers one CSV row.',
      request: { query: FormatQuerySchema, body: jsonBody(WhatIfRequestSchema) },
      responses: {
        200: {
          description: 'Prediction',
          content: { 'application/json': { schema: WhatIfAnswerSchema }, 'text/csv': { schema: z.string() } },
        },
        ...errorResponses(400, 401, 403, 404, 413),
      },
    }),
    async (c) => {
      const req = c.req.valid('json');
      await authorizeWhatIf(c, req.tenant);
      const answer = await runWhatIf(c.var.deps.db, req);
      if (c.req.valid('query').format === 'csv') return c.body(whatIfCsv(answer), 200, { 'content-type': 'text/csv; charset=utf-8' });
      return c.json(answer as z.infer<typeof WhatIfAnswerSchema>, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/whatif/sweep',
      operationId: 'runWhatIfSweep',
      tags,
      security: bearerSecurity,
      summary: 'The what-if scenario at several load factors: p50/p95/p99, utilisation and cost vs load (for charts)',
      description: 'Analytic. Each point multiplies the scenario’s arrival rate (after overrides) by its load factor. `?format=csv` answers one row per point.',
      request: { query: FormatQuerySchema, body: jsonBody(WhatIfSweepRequestSchema) },
      responses: {
        200: {
          description: 'Sweep',
          content: {
            'application/json': {
              schema: z.object({ op: ServiceOpSchema, inputs: InputsSchema, observed: ObservedSchema, points: z.array(SweepPointSchema) }).openapi('WhatIfSweep'),
            },
            'text/csv': { schema: z.string() },
          },
        },
        ...errorResponses(400, 401, 403, 404, 413),
      },
    }),
    async (c) => {
      const req = c.req.valid('json');
      await authorizeWhatIf(c, req.tenant);
      const answer = await runSweep(c.var.deps.db, req);
      if (c.req.valid('query').format === 'csv') return c.body(sweepCsv(answer.op.id, answer.points), 200, { 'content-type': 'text/csv; charset=utf-8' });
      return c.json(answer, 200);
    },
  );
