import { z } from 'zod';

/**
 * The backtest report `npm run bench:whatif` produces and `POST /v1/catalog/backtests` accepts:
 * one row per (operation, load level), observed latency quantiles of the real origin beside the
 * model's prediction. Errors are signed: (predicted − observed)/observed × 100.
 */
export const BacktestRowSchema = z.object({
  op: z.string().min(1).max(200),
  level: z.string().min(1).max(50),
  lambda: z.number().finite().nonnegative(),
  rho: z.number().finite().nonnegative(),
  observedP95Ms: z.number().finite().nonnegative(),
  observedP99Ms: z.number().finite().nonnegative(),
  predictedP95Ms: z.number().finite().nonnegative(),
  predictedP99Ms: z.number().finite().nonnegative(),
  errorP95Pct: z.number().finite(),
  errorP99Pct: z.number().finite(),
});

export const BacktestReportSchema = z.object({
  runAt: z.iso.datetime({ offset: true }),
  rows: z.array(BacktestRowSchema).min(1).max(1000),
});

export type BacktestRow = z.infer<typeof BacktestRowSchema>;
export type BacktestReport = z.infer<typeof BacktestReportSchema>;

/** Signed relative error in percent, (predicted − observed)/observed × 100. */
export function errorPct(predicted: number, observed: number): number {
  if (!(observed > 0)) throw new RangeError(`observed must be > 0, got ${observed}`);
  return ((predicted - observed) / observed) * 100;
}
