import { z } from '@hono/zod-openapi';
import type { Service, ServiceOp } from '@conductor/schema/contracts/catalog';
import { toCsv } from '../formats/csv.ts';

/** `?format=` of the export and what-if routes. */
export const FormatQuerySchema = z.object({ format: z.enum(['json', 'csv']).default('json') });

const CATALOG_COLUMNS = [
  'op_id',
  'op_name',
  'service',
  'owner',
  'system',
  'lifecycle',
  'pricing_model',
  'safelisted_operation',
  'p95_target_ms',
  'p99_target_ms',
  'unit_cost_micros',
  'unit_cost_usd',
  'slo_objective_ppm',
  'slo_window_days',
  'fallback_service_time_mean_ms',
  'fallback_service_time_scv',
  'fallback_arrival_rate_per_second',
] as const;

/** One row per op, joined with its service; money stays exact (micros, and the exact USD decimal). */
export function catalogCsv(services: readonly Service[], ops: readonly ServiceOp[]): string {
  const byName = new Map(services.map((s) => [s.name, s]));
  return toCsv(
    CATALOG_COLUMNS,
    ops.map((op) => {
      const svc = byName.get(op.service);
      return [
        op.id,
        op.name,
        op.service,
        svc?.owner,
        svc?.system,
        svc?.lifecycle,
        svc?.pricing.model,
        op.safelistedOperation,
        op.p95TargetMs,
        op.p99TargetMs,
        op.unitCostMicros,
        op.unitCostUSD,
        op.slo.objectivePpm,
        op.slo.windowDays,
        op.fallback.serviceTimeMeanMs,
        op.fallback.serviceTimeScv,
        op.fallback.arrivalRatePerSecond,
      ];
    }),
  );
}
