/**
 * What-if / capacity model for an origin behind the edge cache (pure: no I/O).
 *
 *   predict(input)            → WhatIfResult   analytic: M/M/c exact, G/G/c by Allen–Cunneen
 *   simulate(input, opts)     → SimulationResult | WhatIfSaturated   seeded discrete-event simulation
 *   applyWhatIf(base, change) → WhatIfInput    load ×factor/absolute, capacity, service, cache, price
 *   compareWhatIf(base, change) → { baseline, scenario }
 *   erlangB(c, a), erlangC(c, a), mmc({ lambda, mu, servers })
 *   replayFifo(arrivals, services, c)   waits through an ideal FCFS c-server queue (backtest diagnosis)
 *   batchedQuantileCi / controlVariateQuantileCi   honest CIs for quantiles of one autocorrelated run
 *
 * Invalid input throws QueueingValidationError (code QUEUEING_INVALID_INPUT, issues[] with paths);
 * map it to HTTP 400. Money is bigint micro-dollars. See docs/what-if.md.
 */
export * from './types.ts';
export { QueueingValidationError, isQueueingValidationError } from './errors.ts';
export { erlangB, erlangC } from './erlang.ts';
export { mmc, type MmcParams, type MmcStable, type MmcSaturated } from './mmc.ts';
export { predict, applyWhatIf, compareWhatIf } from './predict.ts';
export { simulate } from './simulate.ts';
export { originQuantilesWithOverhead } from './compose.ts';
export { FifoServers, replayFifo } from './fifo.ts';
export {
  batchedQuantileCi,
  controlVariateQuantileCi,
  mmcQuantileSamplingVariance,
  nearestRankQuantile,
  type ControlVariateCi,
  type ControlVariateOptions,
  type CiOptions,
  type QuantileCi,
} from './confidence.ts';
export { computeCost } from './cost.ts';
export { validateWhatIfInput, validateWhatIfChange, LIMITS } from './validate.ts';
export { BacktestReportSchema, BacktestRowSchema, errorPct, type BacktestReport, type BacktestRow } from './backtest.ts';
