import { ErrorCode } from '@conductor/sdk';
import { recordAudit } from '../audit/record.ts';
import type { Actor } from '../auth/principal.ts';
import type { Db } from '../db/client.ts';
import { ApiError } from '../http/errors.ts';
import { insertBacktestRows, latestBacktestRows, opIdsByIdOrLinkedName, type BacktestRow as StoredRow } from './queries.ts';
import type { BacktestReport, BacktestRow } from './queueing/index.ts';

/** One op's newest backtest: every load level's row, and the largest prediction errors among them. */
export interface LatestBacktest {
  opId: string;
  reportId: string;
  runAt: string;
  /** Largest |error| over the report's load levels, percent. */
  maxAbsErrorP95Pct: number;
  maxAbsErrorP99Pct: number;
  rows: (BacktestRow & { opId: string })[];
}

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

/**
 * Stores a backtest report (the output of `npm run bench:whatif`) and audits it, in one transaction:
 * a report naming an unknown op, or one op's load level twice, stores nothing.
 */
export async function storeBacktest(db: Db, actor: Actor, report: BacktestReport): Promise<{ reportId: string; rows: number }> {
  const reportId = `bt-${crypto.randomUUID()}`;
  await db.transaction(async (tx) => {
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
  return { reportId, rows: report.rows.length };
}

/** Each op's newest backtest, ops in id order. */
export async function latestBacktests(db: Db): Promise<LatestBacktest[]> {
  const byOp = new Map<string, StoredRow[]>();
  for (const row of await latestBacktestRows(db)) byOp.set(row.opId, [...(byOp.get(row.opId) ?? []), row]);
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
