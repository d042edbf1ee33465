import { describe, expect, it } from 'vitest';
import { BacktestReportSchema, errorPct } from './backtest.ts';

const row = {
  op: 'EntityById',
  level: 'rho-0.85',
  lambda: 64.3,
  rho: 0.845,
  observedP95Ms: 256,
  observedP99Ms: 385.5,
  predictedP95Ms: 303.2,
  predictedP99Ms: 441.3,
  errorP95Pct: 18.44,
  errorP99Pct: 14.47,
};

describe('BacktestReportSchema (the bench:whatif ↔ POST /v1/catalog/backtests contract)', () => {
  it('accepts a report and drops nothing it needs', () => {
    const parsed = BacktestReportSchema.parse({ runAt: '2026-11-26T18:36:26.000Z', rows: [row] });
    expect(parsed.rows[0]).toEqual(row);
  });

  it('rejects missing fields, non-finite numbers, empty rows and bad timestamps', () => {
    expect(BacktestReportSchema.safeParse({ runAt: '2026-11-26T18:36:26Z', rows: [] }).success).toBe(false);
    expect(BacktestReportSchema.safeParse({ runAt: 'yesterday', rows: [row] }).success).toBe(false);
    expect(BacktestReportSchema.safeParse({ runAt: '2026-11-26T18:36:26Z', rows: [{ ...row, predictedP99Ms: Number.NaN }] }).success).toBe(false);
    expect(BacktestReportSchema.safeParse({ runAt: '2026-11-26T18:36:26Z', rows: [{ ...row, observedP95Ms: -1 }] }).success).toBe(false);
    const { op: _op, ...noOp } = row;
    expect(BacktestReportSchema.safeParse({ runAt: '2026-11-26T18:36:26Z', rows: [noOp] }).success).toBe(false);
  });
});

describe('errorPct', () => {
  it('is signed (predicted − observed)/observed in percent', () => {
    expect(errorPct(110, 100)).toBeCloseTo(10, 12);
    expect(errorPct(90, 100)).toBeCloseTo(-10, 12);
    expect(() => errorPct(1, 0)).toThrow(RangeError);
  });
});
