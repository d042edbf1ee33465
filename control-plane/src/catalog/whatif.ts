import type { ServiceOp, SweepPoint, WhatIfOverrides, WhatIfRequest, WhatIfSweepRequest } from '@conductor/schema/contracts/catalog';
import { ErrorCode } from '@conductor/sdk';
import type { Db } from '../db/client.ts';
import { ApiError } from '../http/errors.ts';
import { toCsv } from '../formats/csv.ts';
import { toJsonSafe } from './json.ts';
import { observedInputs, type InputSource, type ObservedInputs } from './observed.ts';
import { getOp, getService, safelistedIdsByName, type OpRow, type ServiceRow } from './queries.ts';
import {
  applyWhatIf,
  isQueueingValidationError,
  predict,
  simulate,
  type PriceModel,
  type SimulationResult,
  type WhatIfChange,
  type WhatIfInput,
  type WhatIfResult,
} from './queueing/index.ts';
import { toServiceOp } from './service.ts';

/**
 * Serverless ('request' pricing) has no fleet in the catalog: each request gets its own worker up
 * to the account's concurrency limit, modelled as that many servers (AWS Lambda's default is 1000).
 */
export const SERVERLESS_CONCURRENCY = 1000;

export interface Sourced<T> {
  value: T;
  source: InputSource;
}

/** The scenario's inputs, each with where it came from (observed edge metrics, catalog, default, override). */
export interface ScenarioInputs {
  arrivalRatePerSecond: Sourced<number>;
  hitRatio: Sourced<number>;
  hitLatencyMs: Sourced<number>;
  serviceTimeMeanMs: Sourced<number>;
  serviceTimeScv: Sourced<number>;
  burstiness: Sourced<number>;
  instances: Sourced<number>;
  perInstanceConcurrency: Sourced<number>;
}

export interface Scenario {
  op: ServiceOp;
  inputs: ScenarioInputs;
  observed: Omit<ObservedInputs, 'arrivalRatePerSecond' | 'hitRatio' | 'hitLatencyMs' | 'serviceTimeMeanMs' | 'serviceTimeScv'>;
  /** The queueing module's input, overrides applied. */
  input: WhatIfInput;
}

/** Price model of the queueing module from a service's catalog pricing (exact: micros × 10^6 per million). */
export function priceOf(service: ServiceRow): PriceModel {
  if (service.pricingModel === 'instance') return { kind: 'instance-hour', microsPerInstanceHour: service.instanceHourMicros! };
  return {
    kind: 'per-request',
    microsPerMillionRequests: service.perRequestMicros! * 1_000_000n,
    microsPerMillionGbSeconds: service.gbSecondMicros! * 1_000_000n,
    memoryGb: service.memoryMb! / 1024,
  };
}

/**
 * Baseline (observed metrics, else catalog) plus overrides → the queueing input, with the source
 * of every input. Pure apart from the observed values handed in.
 */
export function buildScenario(op: OpRow, service: ServiceRow, observed: ObservedInputs, overrides: WhatIfOverrides): Omit<Scenario, 'op' | 'observed'> {
  const instance = service.pricingModel === 'instance';
  const base: WhatIfInput = {
    arrival: { ratePerSecond: observed.arrivalRatePerSecond.value, scv: 1 },
    capacity: {
      instances: instance ? service.instances! : 1,
      concurrencyPerInstance: instance ? service.perInstanceConcurrency! : SERVERLESS_CONCURRENCY,
    },
    service: { meanMs: observed.serviceTimeMeanMs.value, scv: observed.serviceTimeScv.value },
    cache: { hitRatio: observed.hitRatio.value, hitLatencyMs: observed.hitLatencyMs.value },
    price: priceOf(service),
    // The queueing module takes the objective as a fraction; ppm / 10^6 is exact enough for a probability.
    slo: { p95TargetMs: op.p95TargetMs, p99TargetMs: op.p99TargetMs, objective: op.sloObjectivePpm / 1_000_000 },
  };
  const change: WhatIfChange = {
    arrivalFactor: overrides.arrivalFactor,
    arrivalRatePerSecond: overrides.arrivalRatePerSecond,
    arrivalScv: overrides.burstiness,
    instances: overrides.instances,
    concurrencyPerInstance: overrides.perInstanceConcurrency,
    serviceMeanMs: overrides.serviceTimeMeanMs,
    serviceScv: overrides.serviceTimeScv,
    hitRatio: overrides.hitRatio,
  };
  for (const key of Object.keys(change) as (keyof WhatIfChange)[]) if (change[key] === undefined) delete change[key];
  const input = queueing(() => applyWhatIf(base, change));
  const pick = <T>(overridden: boolean, value: T, source: InputSource): Sourced<T> => ({ value, source: overridden ? 'override' : source });
  const arrivalOverridden = overrides.arrivalFactor !== undefined || overrides.arrivalRatePerSecond !== undefined;
  const fleetSource: InputSource = instance ? 'catalog' : 'default';
  return {
    input,
    inputs: {
      arrivalRatePerSecond: pick(arrivalOverridden, input.arrival.ratePerSecond, observed.arrivalRatePerSecond.source),
      hitRatio: pick(overrides.hitRatio !== undefined, input.cache?.hitRatio ?? 0, observed.hitRatio.source),
      hitLatencyMs: { value: input.cache?.hitLatencyMs ?? 0, source: observed.hitLatencyMs.source },
      serviceTimeMeanMs: pick(overrides.serviceTimeMeanMs !== undefined, input.service.meanMs, observed.serviceTimeMeanMs.source),
      serviceTimeScv: pick(overrides.serviceTimeScv !== undefined, input.service.scv ?? 1, observed.serviceTimeScv.source),
      // The edge does not measure inter-arrival spread yet: Poisson unless overridden.
      burstiness: pick(overrides.burstiness !== undefined, input.arrival.scv ?? 1, 'default'),
      instances: pick(overrides.instances !== undefined, input.capacity.instances, fleetSource),
      perInstanceConcurrency: pick(overrides.perInstanceConcurrency !== undefined, input.capacity.concurrencyPerInstance, fleetSource),
    },
  };
}

/** Runs a queueing call, turning its input validation error into a 400 naming every problem. */
function queueing<T>(run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (isQueueingValidationError(err)) throw new ApiError(400, ErrorCode.VALIDATION_FAILED, err.message);
    throw err;
  }
}

type ScenarioRequest = Pick<WhatIfRequest, 'opId' | 'tenant' | 'windowMinutes' | 'at' | 'overrides'>;

export async function loadScenario(db: Db, req: ScenarioRequest, now = new Date()): Promise<Scenario> {
  const op = await getOp(db, req.opId);
  if (!op) throw new ApiError(404, ErrorCode.NOT_FOUND, `op "${req.opId}" is not in the catalog`);
  const service = (await getService(db, op.service))!;
  const opIds = op.safelistedOperation ? await safelistedIdsByName(db, op.safelistedOperation) : [];
  const observed = await observedInputs(db, opIds, op, { to: req.at ? new Date(req.at) : now, windowMinutes: req.windowMinutes, tenant: req.tenant ?? null });
  const { input, inputs } = buildScenario(op, service, observed, req.overrides);
  const { arrivalRatePerSecond: _a, hitRatio: _h, hitLatencyMs: _l, serviceTimeMeanMs: _m, serviceTimeScv: _s, ...rest } = observed;
  return { op: toServiceOp(op), inputs, observed: rest, input };
}

export interface WhatIfAnswer {
  op: ServiceOp;
  mode: WhatIfRequest['mode'];
  inputs: ScenarioInputs;
  observed: Scenario['observed'];
  /** The queueing module's input (money as micros strings). */
  scenario: unknown;
  /** predict() in analytic mode, simulate() in simulate mode (money as micros strings). */
  result: Record<string, unknown>;
  /** Simulate mode: the analytic prediction of the same scenario, for comparison and cost. */
  analytic?: Record<string, unknown>;
}

export async function runWhatIf(db: Db, req: WhatIfRequest, now?: Date): Promise<WhatIfAnswer> {
  const s = await loadScenario(db, req, now);
  const analytic = queueing(() => predict(s.input));
  const common = { op: s.op, mode: req.mode, inputs: s.inputs, observed: s.observed, scenario: toJsonSafe(s.input) };
  if (req.mode === 'analytic') return { ...common, result: toJsonSafe(analytic) as Record<string, unknown> };
  const simulated = queueing(() => simulate(s.input, { customers: req.simulation.customers, seed: req.simulation.seed }));
  return { ...common, result: toJsonSafe(simulated) as Record<string, unknown>, analytic: toJsonSafe(analytic) as Record<string, unknown> };
}

/** A prediction reduced to a chart point. */
export function sweepPoint(loadFactor: number, r: WhatIfResult): SweepPoint {
  const stable = r.saturated ? null : r;
  const slo = r.slo && 'p95' in r.slo ? r.slo : null;
  return {
    loadFactor,
    lambda: r.lambda,
    originLambda: r.originLambda,
    rho: r.rho,
    saturated: r.saturated,
    p50Ms: stable?.latencyMs.p50 ?? null,
    p95Ms: stable?.latencyMs.p95 ?? null,
    p99Ms: stable?.latencyMs.p99 ?? null,
    costPerHourMicros: r.cost.perHourMicros?.toString() ?? null,
    costPerMillionRequestsMicros: r.cost.perMillionRequestsMicros?.toString() ?? null,
    p95TargetMet: r.saturated ? (r.slo ? false : null) : (slo?.p95?.met ?? null),
    p99TargetMet: r.saturated ? (r.slo ? false : null) : (slo?.p99?.met ?? null),
    sloMet: r.slo ? r.slo.met : null,
  };
}

export interface SweepAnswer {
  op: ServiceOp;
  inputs: ScenarioInputs;
  observed: Scenario['observed'];
  points: SweepPoint[];
}

/** The scenario at each load factor (× its arrival rate, overrides included), analytic. */
export async function runSweep(db: Db, req: WhatIfSweepRequest, now?: Date): Promise<SweepAnswer> {
  const s = await loadScenario(db, req, now);
  const points = req.loadFactors.map((f) => sweepPoint(f, queueing(() => predict(applyWhatIf(s.input, { arrivalFactor: f })))));
  return { op: s.op, inputs: s.inputs, observed: s.observed, points };
}

// The prediction columns both CSVs share, so a sweep row and a what-if row line up column for column.
const PREDICTION_COLUMNS = [
  'lambda',
  'origin_lambda',
  'rho',
  'saturated',
  'p50_ms',
  'p95_ms',
  'p99_ms',
  'cost_per_hour_micros',
  'cost_per_million_requests_micros',
] as const;

const SWEEP_COLUMNS = [
  'op_id',
  'load_factor',
  ...PREDICTION_COLUMNS,
  'p95_target_met',
  'p99_target_met',
  'slo_met',
] as const;

export function sweepCsv(opId: string, points: readonly SweepPoint[]): string {
  return toCsv(
    SWEEP_COLUMNS,
    points.map((p) => [
      opId,
      p.loadFactor,
      p.lambda,
      p.originLambda,
      p.rho,
      p.saturated,
      p.p50Ms,
      p.p95Ms,
      p.p99Ms,
      p.costPerHourMicros,
      p.costPerMillionRequestsMicros,
      p.p95TargetMet,
      p.p99TargetMet,
      p.sloMet,
    ]),
  );
}

const INPUT_KEYS = ['arrivalRatePerSecond', 'hitRatio', 'hitLatencyMs', 'serviceTimeMeanMs', 'serviceTimeScv', 'burstiness', 'instances', 'perInstanceConcurrency'] as const;

/** One what-if answer as a one-row CSV: the scenario's inputs with their sources, then the prediction. */
export function whatIfCsv(answer: WhatIfAnswer): string {
  const r = answer.result as { lambda?: number; originLambda?: number; rho?: number; saturated?: boolean; latencyMs?: { p50: number; p95: number; p99: number } };
  const cost = ((answer.analytic ?? answer.result) as { cost?: { perHourMicros: string | null; perMillionRequestsMicros: string | null } }).cost;
  const slo = ((answer.analytic ?? answer.result) as { slo?: { met: boolean } | null }).slo;
  const header = [
    'op_id',
    'mode',
    ...INPUT_KEYS.flatMap((k) => [k, `${k}_source`]),
    ...PREDICTION_COLUMNS,
    'slo_met',
  ];
  const row = [
    answer.op.id,
    answer.mode,
    ...INPUT_KEYS.flatMap((k) => [answer.inputs[k].value, answer.inputs[k].source]),
    r.lambda,
    r.originLambda,
    r.rho,
    r.saturated ?? false,
    r.latencyMs?.p50,
    r.latencyMs?.p95,
    r.latencyMs?.p99,
    cost?.perHourMicros,
    cost?.perMillionRequestsMicros,
    slo ? slo.met : null,
  ];
  return toCsv(header, [row]);
}
