import { buildSchema, GraphQLError, type GraphQLSchema } from 'graphql';
import type { z } from 'zod';
import {
  formatDecimal,
  ServiceOpInputSchema,
  toServiceOpSpec,
  WhatIfRequestSchema,
} from '@conductor/schema/contracts/catalog';
import { ErrorCode, PurgeRequestSchema } from '@conductor/sdk';
import { forwardPurge } from '../cache/purge/service.ts';
import { getService, listOps, listServices, type OpRow, type ServiceRow } from '../catalog/queries.ts';
import { putServiceOp, toService } from '../catalog/service.ts';
import { authorizeWhatIf } from '../catalog/access.ts';
import { runWhatIf, type WhatIfAnswer } from '../catalog/whatif.ts';
import { AUTH_DIRECTIVE_SDL, applyAuthDirective } from './auth-directive.ts';
import type { GraphqlContext } from './context.ts';

/*
 * The admin GraphQL schema (catalog, what-if, purge), served at POST /graphql.
 * Every root field is guarded by @auth; the REST API (/v1/catalog, /v1/purge) offers the same
 * operations through the same services, so both answer alike.
 */
export const SDL = /* GraphQL */ `
${AUTH_DIRECTIVE_SDL}

"A catalog operation: latency targets, unit cost and SLO."
type ServiceOp {
  id: ID!
  name: String!
  serviceName: String!
  service: Service!
  p95TargetMs: Int!
  p99TargetMs: Int!
  """
  Display value only, kept for the seed schema's compatibility: the exact amount (unitCostMicros)
  read as the nearest Float. Never add these up; use unitCostMicros.
  """
  unitCostUSD: Float!
  "Exact unit cost in integer micro-dollars, as a digit string (1 USD = 1000000)."
  unitCostMicros: String!
  "SLO objective in parts per million (99.9% = 999000)."
  sloObjectivePpm: Int!
  "SLO objective as an exact percent, e.g. \\"99.9%\\"."
  sloObjective: String!
  sloWindowDays: Int!
  "Safelisted operation whose edge metrics are this op's observed what-if inputs."
  safelistedOperation: String
}

type Service {
  name: String!
  owner: String!
  system: String!
  lifecycle: String!
  pricingModel: String!
  dependsOn: [Service!]!
  ops: [ServiceOp!]!
}

"""
A ServiceOp to create or replace. Unit cost: exactly one of unitCostMicros (integer micro-dollars,
digit string) or unitCostUSD (exact decimal string, at most 6 decimals, e.g. "0.00125"); neither
goes through a float.
"""
input ServiceOpInput {
  id: ID!
  name: String!
  service: String!
  p95TargetMs: Int!
  p99TargetMs: Int!
  unitCostMicros: String
  unitCostUSD: String
  "\\"99.9%\\" or \\"0.999\\"."
  sloObjective: String!
  sloWindowDays: Int!
  safelistedOperation: String
  serviceTimeMeanMs: Float!
  serviceTimeScv: Float!
  arrivalRatePerSecond: Float!
}

enum WhatIfMode {
  ANALYTIC
  SIMULATE
}

enum InputSource {
  OBSERVED
  CATALOG
  DEFAULT
  OVERRIDE
}

"A what-if scenario for one op: overrides on top of observed metrics (else catalog values)."
input WhatIfInput {
  opId: ID!
  "Observed inputs from this tenant's traffic; omitted: every tenant's (needs platform metrics access)."
  tenant: String
  windowMinutes: Int = 60
  mode: WhatIfMode = ANALYTIC
  arrivalFactor: Float
  arrivalRatePerSecond: Float
  instances: Int
  perInstanceConcurrency: Int
  serviceTimeMeanMs: Float
  serviceTimeScv: Float
  "Squared coefficient of variation of inter-arrival gaps (1 = Poisson)."
  burstiness: Float
  hitRatio: Float
  simulationSeed: Int
  simulationCustomers: Int
}

type SourcedValue {
  value: Float!
  source: InputSource!
}

type WhatIfInputs {
  arrivalRatePerSecond: SourcedValue!
  hitRatio: SourcedValue!
  serviceTimeMeanMs: SourcedValue!
  serviceTimeScv: SourcedValue!
  burstiness: SourcedValue!
  instances: SourcedValue!
  perInstanceConcurrency: SourcedValue!
}

type LatencyQuantiles {
  p50: Float!
  p95: Float!
  p99: Float!
}

type WhatIf {
  op: ServiceOp!
  mode: WhatIfMode!
  inputs: WhatIfInputs!
  "Which formulas (or 'simulation') produced the numbers."
  model: String!
  lambda: Float!
  originLambda: Float!
  rho: Float!
  saturated: Boolean!
  "Null when saturated (ρ ≥ 1)."
  latencyMs: LatencyQuantiles
  originLatencyMs: LatencyQuantiles
  "Integer micro-dollars as digit strings; null without a price."
  costPerHourMicros: String
  costPerMillionRequestsMicros: String
  sloMet: Boolean
}

type Query {
  serviceOps: [ServiceOp!]! @auth(abac: "admin.write", resource: TENANT)
  services: [Service!]! @auth(abac: "admin.write", resource: TENANT)
  whatIf(input: WhatIfInput!): WhatIf! @auth(abac: "admin.write", resource: TENANT)
}

type Mutation {
  "Create or replace a catalog op (catalog writes are platform writes: admin.write and role platform-admin)."
  upsertServiceOp(op: ServiceOpInput!): Boolean @auth(abac: "admin.write")
  """
  Purge one cached variant at the edge (signed, through the same service as POST /v1/purge). The tenant is
  the caller's own; a multi-tenant admin may name another of theirs.
  """
  purgeCache(opId: String!, varsHash: String!, tenant: String): Boolean @auth(abac: "admin.write", resource: TENANT)
}
`;

function badInput(error: z.ZodError, prefix: string): GraphQLError {
  const detail = error.issues.map((i) => `${[prefix, ...i.path.map(String)].join('.')}: ${i.message}`).join('; ');
  return new GraphQLError(detail, { extensions: { code: ErrorCode.BAD_USER_INPUT } });
}

const opFields = {
  serviceName: (op: OpRow) => op.service,
  service: async (op: OpRow, _a: unknown, ctx: GraphqlContext) => getService(ctx.hono.var.deps.db, op.service),
  // Parsing the exact decimal text gives the nearest double without arithmetic on the amount.
  unitCostUSD: (op: OpRow) => Number(formatDecimal(op.unitCostMicros, 6)),
  unitCostMicros: (op: OpRow) => op.unitCostMicros.toString(),
  sloObjective: (op: OpRow) => `${formatDecimal(BigInt(op.sloObjectivePpm), 4)}%`,
};

const serviceFields = {
  dependsOn: async (svc: ServiceRow, _a: unknown, ctx: GraphqlContext) =>
    (await listServices(ctx.hono.var.deps.db)).filter((s) => svc.dependsOn.includes(s.name)),
  ops: (svc: ServiceRow, _a: unknown, ctx: GraphqlContext) => listOps(ctx.hono.var.deps.db, svc.name),
  pricingModel: (svc: ServiceRow) => toService(svc).pricing.model,
};

type WhatIfArgs = {
  input: {
    opId: string;
    tenant?: string | null;
    windowMinutes: number;
    mode: 'ANALYTIC' | 'SIMULATE';
    simulationSeed?: number | null;
    simulationCustomers?: number | null;
  } & Record<string, unknown>;
};

const OVERRIDE_KEYS = ['arrivalFactor', 'arrivalRatePerSecond', 'instances', 'perInstanceConcurrency', 'serviceTimeMeanMs', 'serviceTimeScv', 'burstiness', 'hitRatio'] as const;

function whatIfView(answer: WhatIfAnswer) {
  const r = answer.result as { model: string; lambda: number; originLambda: number; rho: number; saturated?: boolean; latencyMs?: unknown; originLatencyMs?: unknown };
  const priced = (answer.analytic ?? answer.result) as { cost: { perHourMicros: string | null; perMillionRequestsMicros: string | null }; slo: { met: boolean } | null };
  const upper = (s: string) => s.toUpperCase();
  return {
    op: answer.op,
    mode: upper(answer.mode),
    inputs: Object.fromEntries(Object.entries(answer.inputs).map(([k, v]) => [k, { value: v.value, source: upper(v.source) }])),
    model: r.model,
    lambda: r.lambda,
    originLambda: r.originLambda,
    rho: r.rho,
    saturated: r.saturated ?? false,
    latencyMs: r.latencyMs ?? null,
    originLatencyMs: r.originLatencyMs ?? null,
    costPerHourMicros: priced.cost.perHourMicros,
    costPerMillionRequestsMicros: priced.cost.perMillionRequestsMicros,
    sloMet: priced.slo ? priced.slo.met : null,
  };
}

function buildAdminSchema(): GraphQLSchema {
  const schema = buildSchema(SDL);
  const resolvers: Record<string, Record<string, (...args: never[]) => unknown>> = {
    Query: {
      serviceOps: (_s: unknown, _a: unknown, ctx: GraphqlContext) => listOps(ctx.hono.var.deps.db),
      services: (_s: unknown, _a: unknown, ctx: GraphqlContext) => listServices(ctx.hono.var.deps.db),
      whatIf: async (_s: unknown, { input }: WhatIfArgs, ctx: GraphqlContext) => {
        const overrides = Object.fromEntries(OVERRIDE_KEYS.filter((k) => input[k] !== undefined && input[k] !== null).map((k) => [k, input[k]]));
        const parsed = WhatIfRequestSchema.safeParse({
          opId: input.opId,
          ...(input.tenant ? { tenant: input.tenant } : {}),
          windowMinutes: input.windowMinutes,
          mode: input.mode === 'SIMULATE' ? 'simulate' : 'analytic',
          overrides,
          simulation: { customers: input.simulationCustomers ?? 100_000, seed: input.simulationSeed ?? 1 },
        });
        if (!parsed.success) throw badInput(parsed.error, 'input');
        await authorizeWhatIf(ctx.hono, parsed.data.tenant);
        return whatIfView(await runWhatIf(ctx.hono.var.deps.db, parsed.data));
      },
    },
    Mutation: {
      upsertServiceOp: async (_s: unknown, { op }: { op: Record<string, unknown> }, ctx: GraphqlContext) => {
        const parsed = ServiceOpInputSchema.safeParse({
          name: op.name,
          service: op.service,
          p95TargetMs: op.p95TargetMs,
          p99TargetMs: op.p99TargetMs,
          ...(op.unitCostMicros != null ? { unitCostMicros: op.unitCostMicros } : {}),
          ...(op.unitCostUSD != null ? { unitCostUSD: op.unitCostUSD } : {}),
          slo: { objective: op.sloObjective, windowDays: op.sloWindowDays },
          safelistedOperation: op.safelistedOperation ?? null,
          fallback: { serviceTimeMeanMs: op.serviceTimeMeanMs, serviceTimeScv: op.serviceTimeScv, arrivalRatePerSecond: op.arrivalRatePerSecond },
        });
        if (!parsed.success) throw badInput(parsed.error, 'op');
        const id = String(op.id);
        if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(id)) throw new GraphQLError('op.id: lowercase letters, digits, dashes (max 63)', { extensions: { code: ErrorCode.BAD_USER_INPUT } });
        const spec = toServiceOpSpec(id, parsed.data);
        await ctx.hono.var.deps.db.transaction((tx) => putServiceOp(tx, ctx.hono.var.principal.sub, spec));
        return true;
      },
      purgeCache: async (_s: unknown, args: { opId: string; varsHash: string; tenant?: string | null }, ctx: GraphqlContext) => {
        const tenant = args.tenant ?? ctx.hono.var.principal.tenant;
        // The `{opId, varsHash}` form of the purge contract, so a bad hash is named precisely.
        const parsed = PurgeRequestSchema.options[1].safeParse({ tenant, opId: args.opId, varsHash: args.varsHash });
        if (!parsed.success) throw badInput(parsed.error, 'purgeCache');
        await forwardPurge(ctx.hono.var.deps, ctx.hono.var.principal.sub, parsed.data);
        return true;
      },
    },
    ServiceOp: opFields as never,
    Service: serviceFields as never,
  };
  for (const [typeName, fields] of Object.entries(resolvers)) {
    const type = schema.getType(typeName);
    if (!type || !('getFields' in type)) throw new Error(`resolver for unknown type ${typeName}`);
    const defs = type.getFields() as Record<string, { resolve?: unknown }>;
    for (const [name, resolve] of Object.entries(fields)) {
      if (!defs[name]) throw new Error(`resolver for unknown field ${typeName}.${name}`);
      defs[name].resolve = resolve;
    }
  }
  applyAuthDirective(schema);
  return schema;
}

/** Built once per process: the schema is static, the request's context carries everything else. */
export const adminSchema = buildAdminSchema();

