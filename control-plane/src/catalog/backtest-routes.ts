import { createRoute, z } from '@hono/zod-openapi';
import { ErrorCode } from '@conductor/sdk';
import { recordAudit } from '../audit/record.ts';
import type { Db } from '../db/client.ts';
import { ApiError } from '../http/errors.ts';
import { bearerSecurity, errorResponses, jsonBody } from '../http/openapi.ts';
import { createRouter } from '../http/router.ts';
import { readCatalog, writeCatalog } from './access.ts';
import { insertBacktestRows, latestBacktestRows, opIdsByIdOrLinkedName, type BacktestRow as StoredRow } from './queries.ts';
import { BacktestReportSchema, BacktestRowSchema, type BacktestReport } from './queueing/index.ts';

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

/**
 * Resolves each row's `op` to a catalog op: its id, or the safelisted operation name it links.
 * A name linked by several ops is ambiguous; anything unresolved rejects the whole report.
 */
async function resolveOps(db: Db, report: BacktestReport): Promise<Map<string, string>> {
  const keys = [...new Set(report.rows.map((r) => r.op))];
  const found = await opIdsByIdOrLinkedName(db, keys);
  const resolved = new Map<string, string>();
  const problems: string[] = [];
  for (const key of keys) {
    const byId = found.find((f) => f.id === key);
    const byName = found.filter((f) => f.safelistedOperation === key);
    if (byId) resolved.set(key, byId.id);
    else if (byName.length === 1) resolved.set(key, byName[0]!.id);
    else if (byName.length > 1) problems.push(`"${key}" is linked by several ops (${byName.map((f) => f.id).join(', ')}); use an op id`);
    else problems.push(`"${key}" is neither a catalog op id nor a safelisted operation linked by one`);
  }
  if (problems.length > 0) throw new ApiError(400, ErrorCode.UNKNOWN_OPERATION, `backtest rows name unknown ops: ${problems.join('; ')}`);
  return resolved;
}

function summarise(rows: StoredRow[]) {
  const byOp = new Map<string, StoredRow[]>();
  for (const row of rows) byOp.set(row.opId, [...(byOp.get(row.opId) ?? []), row]);
  return [...byOp.entries()].map(([opId, list]) => ({
    opId,
    reportId: list[0]!.reportId,
    runAt: list[0]!.runAt.toISOString(),
    maxAbsErrorP95Pct: Math.max(...list.map((r) => Math.abs(r.errorP95Pct))),
    maxAbsErrorP99Pct: Math.max(...list.map((r) => Math.abs(r.errorP99Pct))),
    rows: list.map((r) => ({
      op: opId,
      opId,
      level: r.level,
      lambda: r.lambda,
      rho: r.rho,
      observedP95Ms: r.observedP95Ms,
      observedP99Ms: r.observedP99Ms,
      predictedP95Ms: r.predictedP95Ms,
      predictedP99Ms: r.predictedP99Ms,
      errorP95Pct: r.errorP95Pct,
      errorP99Pct: r.errorP99Pct,
    })),
  }));
}

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
      const report = c.req.valid('json');
      const reportId = `bt-${crypto.randomUUID()}`;
      const actor = c.var.principal.sub;
      await c.var.deps.db.transaction(async (tx) => {
        const ops = await resolveOps(tx, report);
        const seen = new Set<string>();
        for (const row of report.rows) {
          const key = `${ops.get(row.op)}\u0000${row.level}`;
          if (seen.has(key)) throw new ApiError(400, ErrorCode.VALIDATION_FAILED, `op "${row.op}" has level "${row.level}" twice`);
          seen.add(key);
        }
        const runAt = new Date(report.runAt);
        await insertBacktestRows(
          tx,
          report.rows.map(({ op, ...row }) => ({ ...row, reportId, runAt, opId: ops.get(op)!, actor })),
        );
        await recordAudit(tx, {
          actor,
          tenantId: null,
          action: 'catalog.backtest.create',
          target: `backtest:${reportId}`,
          payload: { runAt: report.runAt, ops: [...new Set(ops.values())].sort(), rows: report.rows.length },
        });
      });
      return c.json({ reportId, rows: report.rows.length }, 201);
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
      return c.json({ ops: summarise(await latestBacktestRows(c.var.deps.db)) }, 200);
    },
  );
