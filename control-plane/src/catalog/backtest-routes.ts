import { createRoute, z } from '@hono/zod-openapi';
import { bearerSecurity, errorResponses, jsonBody } from '../http/openapi.ts';
import { createRouter } from '../http/router.ts';
import { readCatalog, writeCatalog } from './access.ts';
import { latestBacktests, storeBacktest } from './backtest-service.ts';
import { BacktestReportSchema, BacktestRowSchema } from './queueing/index.ts';

const tags = ['catalog'];

const StoredRowSchema = BacktestRowSchema.extend({ opId: z.string() });
const LatestSchema = z
  .object({
    ops: z.array(
      z.object({
        opId: z.string(),
        reportId: z.string(),
        runAt: z.string(),
        /** Largest |error| over the report's load levels, percent. */
        maxAbsErrorP95Pct: z.number(),
        maxAbsErrorP99Pct: z.number(),
        rows: z.array(StoredRowSchema),
      }),
    ),
  })
  .openapi('LatestBacktests');

export const backtestRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'post',
      path: '/backtests',
      operationId: 'createBacktestReport',
      tags,
      security: bearerSecurity,
      summary: 'Store a what-if backtest report (admin.write + platform-admin)',
      description: 'Body: the report of `npm run bench:whatif` (catalog/queueing/backtest.ts). Each row’s `op` is a catalog op id or a linked safelisted operation name.',
      request: { body: jsonBody(BacktestReportSchema) },
      responses: {
        201: { description: 'Stored', content: { 'application/json': { schema: z.object({ reportId: z.string(), rows: z.number().int() }) } } },
        ...errorResponses(400, 401, 403, 413),
      },
    }),
    async (c) => {
      await writeCatalog(c);
      return c.json(await storeBacktest(c.var.deps.db, c.var.principal.sub, c.req.valid('json')), 201);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/backtests/latest',
      operationId: 'getLatestBacktests',
      tags,
      security: bearerSecurity,
      summary: "Each op's newest backtest: prediction error per load level and the largest one",
      responses: { 200: { description: 'Latest backtests', content: { 'application/json': { schema: LatestSchema } } }, ...errorResponses(401, 403) },
    }),
    async (c) => {
      await readCatalog(c);
      return c.json({ ops: await latestBacktests(c.var.deps.db) }, 200);
    },
  );
