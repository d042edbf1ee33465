import { formatDecimal, type ServiceInput, type Service, type ServiceOp, type ServiceOpSpec } from '@conductor/schema/contracts/catalog';
import { ErrorCode } from '@conductor/sdk';
import type { Actor } from '../auth/principal.ts';
import { recordAudit } from '../audit/record.ts';
import type { Db } from '../db/client.ts';
import { ApiError } from '../http/errors.ts';
import { toJsonSafe } from './json.ts';
import { existingServiceNames, safelistedIdsByName, upsertOpRow, upsertServiceRow, type OpRow, type ServiceRow } from './queries.ts';

export function toService(row: ServiceRow): Service {
  const pricing: Service['pricing'] =
    row.pricingModel === 'instance'
      ? { model: 'instance', instanceHourMicros: row.instanceHourMicros!.toString(), instances: row.instances!, perInstanceConcurrency: row.perInstanceConcurrency! }
      : { model: 'request', perRequestMicros: row.perRequestMicros!.toString(), gbSecondMicros: row.gbSecondMicros!.toString(), memoryMb: row.memoryMb! };
  return {
    name: row.name,
    owner: row.owner,
    system: row.system,
    lifecycle: row.lifecycle,
    dependsOn: row.dependsOn,
    pricing,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toServiceOp(row: OpRow): ServiceOp {
  return {
    id: row.id,
    name: row.name,
    service: row.service,
    p95TargetMs: row.p95TargetMs,
    p99TargetMs: row.p99TargetMs,
    unitCostMicros: row.unitCostMicros.toString(),
    unitCostUSD: formatDecimal(row.unitCostMicros, 6),
    slo: { objectivePpm: row.sloObjectivePpm, objective: `${formatDecimal(BigInt(row.sloObjectivePpm), 4)}%`, windowDays: row.sloWindowDays },
    safelistedOperation: row.safelistedOperation,
    fallback: { serviceTimeMeanMs: row.serviceTimeMeanMs, serviceTimeScv: row.serviceTimeScv, arrivalRatePerSecond: row.arrivalRatePerSecond },
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Columns of a service from its validated input; the other pricing model's columns are null. */
function serviceValues(name: string, input: ServiceInput) {
  const p = input.pricing;
  return {
    name,
    owner: input.owner,
    system: input.system,
    lifecycle: input.lifecycle,
    dependsOn: input.dependsOn,
    pricingModel: p.model,
    instanceHourMicros: p.model === 'instance' ? p.instanceHourMicros : null,
    instances: p.model === 'instance' ? p.instances : null,
    perInstanceConcurrency: p.model === 'instance' ? p.perInstanceConcurrency : null,
    perRequestMicros: p.model === 'request' ? p.perRequestMicros : null,
    gbSecondMicros: p.model === 'request' ? p.gbSecondMicros : null,
    memoryMb: p.model === 'request' ? p.memoryMb : null,
  };
}

/**
 * Creates or replaces a service and audits it in the caller's transaction. Every service it
 * depends on must already be in the catalog. Returns whether anything changed (a rerun of the
 * same values writes and audits nothing).
 */
export async function putService(tx: Db, actor: Actor, name: string, input: ServiceInput): Promise<{ service: Service; changed: boolean }> {
  if (input.dependsOn.includes(name)) throw new ApiError(400, ErrorCode.VALIDATION_FAILED, `service "${name}" cannot depend on itself`);
  const known = await existingServiceNames(tx, input.dependsOn);
  const missing = input.dependsOn.filter((d) => !known.has(d));
  if (missing.length > 0) throw new ApiError(400, ErrorCode.UNKNOWN_SERVICE, `service "${name}" depends on unknown service(s): ${missing.join(', ')}`);
  const { row, changed } = await upsertServiceRow(tx, serviceValues(name, input));
  if (changed) {
    await recordAudit(tx, { actor, tenantId: null, action: 'catalog.service.put', target: `catalog-service:${name}`, payload: toJsonSafe(input) });
  }
  return { service: toService(row), changed };
}

/** Creates or replaces an op; its service and (when linked) its safelisted operation must exist. */
export async function putServiceOp(tx: Db, actor: Actor, spec: ServiceOpSpec): Promise<{ op: ServiceOp; changed: boolean }> {
  if ((await existingServiceNames(tx, [spec.service])).size === 0) {
    throw new ApiError(400, ErrorCode.UNKNOWN_SERVICE, `op "${spec.id}" names unknown service "${spec.service}"`);
  }
  if (spec.safelistedOperation !== null && (await safelistedIdsByName(tx, spec.safelistedOperation)).length === 0) {
    throw new ApiError(400, ErrorCode.UNKNOWN_OPERATION, `op "${spec.id}" links safelisted operation "${spec.safelistedOperation}", which is not in the safelist`);
  }
  const { row, changed } = await upsertOpRow(tx, spec);
  if (changed) {
    await recordAudit(tx, { actor, tenantId: null, action: 'catalog.op.put', target: `catalog-op:${spec.id}`, payload: toJsonSafe(spec) });
  }
  return { op: toServiceOp(row), changed };
}
