import { z } from 'zod';
import { METRICS_WINDOW } from './edge-metrics.ts';

/*
 * Service catalog contracts (REST /v1/catalog, the admin GraphQL endpoint, examples/origin/catalog.yaml).
 * Money crosses the wire as a string of integer micro-dollars ("1250" = $0.00125) because JSON
 * numbers cannot carry a bigint exactly; decimal inputs ("0.00125", "99.9%") are parsed digit by
 * digit into integers, never through a float.
 */

export const LIFECYCLES = ['experimental', 'production', 'deprecated'] as const;
export type Lifecycle = (typeof LIFECYCLES)[number];
export const PRICING_MODELS = ['instance', 'request'] as const;
export type PricingModel = (typeof PRICING_MODELS)[number];

/** Backstage entity names (services, owners, systems) and op ids share one URL-safe alphabet. */
export const EntityNameSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lowercase letters, digits, dashes (max 63), starting with a letter or digit');

const MAX_BIGINT = 2n ** 63n - 1n;
export const MICROS_PER_USD = 1_000_000n;
export const PPM = 1_000_000n;

/**
 * An unsigned decimal ("12", "0.00125", ".5") as an integer scaled by 10^scale, exactly; null when
 * the text is not such a decimal or has more fractional digits than `scale` (no silent rounding).
 */
export function parseDecimal(text: string, scale: number): bigint | null {
  const match = /^(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (!match || (match[1] === '' && (match[2] ?? '') === '')) return null;
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > scale) return null;
  return BigInt(match[1] || '0') * 10n ** BigInt(scale) + BigInt(fraction.padEnd(scale, '0') || '0');
}

/** The inverse of parseDecimal, with trailing fractional zeros trimmed ("0.00125", "3"). */
export function formatDecimal(value: bigint, scale: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** Integer micro-dollars: a digit string or a safe integer, 0 ≤ m < 2^63. */
export const MicrosInputSchema = z
  .union([z.string().regex(/^\d{1,19}$/, 'integer micro-dollars as a digit string'), z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)])
  .transform((v) => BigInt(v))
  .refine((v) => v <= MAX_BIGINT, 'micro-dollars over 2^63-1');

/** US dollars as an exact decimal string with at most 6 fractional digits ("0.00125"), to micros. */
export const UsdInputSchema = z.string().transform((text, ctx) => {
  const micros = parseDecimal(text, 6);
  if (micros === null || micros > MAX_BIGINT) {
    ctx.addIssue({ code: 'custom', message: 'a non-negative decimal dollar amount with at most 6 decimals, e.g. "0.00125"' });
    return z.NEVER;
  }
  return micros;
});

/**
 * An SLO objective ("99.9%", "0.999", 0.999) as parts per million (999000). A YAML or JSON number
 * is read through its shortest decimal form, which is exactly what was written for ≤ 15 digits.
 */
export const SloObjectiveInputSchema = z.union([z.string(), z.number()]).transform((raw, ctx) => {
  const text = String(raw).trim();
  const ppm = text.endsWith('%') ? parseDecimal(text.slice(0, -1), 4) : parseDecimal(text, 6);
  if (ppm === null || ppm < 1n || ppm >= PPM) {
    ctx.addIssue({ code: 'custom', message: 'an objective strictly between 0 and 1 ("0.999") or 0% and 100% ("99.9%"), at most 1 ppm precision' });
    return z.NEVER;
  }
  return Number(ppm);
});

const PositiveInt = z.number().int().min(1).max(1_000_000);

export const InstancePricingInputSchema = z
  .object({
    model: z.literal('instance'),
    instanceHourMicros: MicrosInputSchema,
    instances: PositiveInt,
    perInstanceConcurrency: PositiveInt,
  })
  .strict();
export const RequestPricingInputSchema = z
  .object({
    model: z.literal('request'),
    perRequestMicros: MicrosInputSchema,
    gbSecondMicros: MicrosInputSchema,
    memoryMb: z.number().int().min(1).max(1_048_576),
  })
  .strict();
export const PricingInputSchema = z.discriminatedUnion('model', [InstancePricingInputSchema, RequestPricingInputSchema]);
export type PricingInput = z.output<typeof PricingInputSchema>;

/** PUT /v1/catalog/services/{name}: the whole service (a catalog upsert replaces it). */
export const ServiceInputSchema = z
  .object({
    owner: EntityNameSchema,
    system: EntityNameSchema,
    lifecycle: z.enum(LIFECYCLES),
    dependsOn: z.array(EntityNameSchema).max(100).default([]),
    pricing: PricingInputSchema,
  })
  .strict();
export type ServiceInput = z.output<typeof ServiceInputSchema>;

const FallbackSchema = z
  .object({
    serviceTimeMeanMs: z.number().positive().max(3_600_000),
    serviceTimeScv: z.number().min(0).max(10_000),
    arrivalRatePerSecond: z.number().min(0).max(1e9),
  })
  .strict();

/**
 * PUT /v1/catalog/ops/{id}: the whole op. Unit cost as exact micros or an exact USD decimal
 * string (exactly one); the SLO objective as ppm or a decimal/percent (exactly one).
 */
export const ServiceOpInputSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    service: EntityNameSchema,
    p95TargetMs: z.number().int().min(1).max(3_600_000),
    p99TargetMs: z.number().int().min(1).max(3_600_000),
    unitCostMicros: MicrosInputSchema.optional(),
    unitCostUSD: UsdInputSchema.optional(),
    slo: z
      .object({
        objectivePpm: z.number().int().min(1).max(999_999).optional(),
        objective: SloObjectiveInputSchema.optional(),
        windowDays: z.number().int().min(1).max(366),
      })
      .strict()
      .refine((s) => (s.objectivePpm === undefined) !== (s.objective === undefined), 'give exactly one of objectivePpm, objective'),
    safelistedOperation: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a GraphQL operation name').nullable().default(null),
    fallback: FallbackSchema,
  })
  .strict()
  .refine((op) => (op.unitCostMicros === undefined) !== (op.unitCostUSD === undefined), {
    message: 'give exactly one of unitCostMicros, unitCostUSD',
    path: ['unitCostMicros'],
  })
  .refine((op) => op.p99TargetMs >= op.p95TargetMs, { message: 'p99TargetMs must be at least p95TargetMs', path: ['p99TargetMs'] });
export type ServiceOpInputRaw = z.input<typeof ServiceOpInputSchema>;

/** The validated op, normalised: exact integers only. */
export interface ServiceOpSpec {
  id: string;
  name: string;
  service: string;
  p95TargetMs: number;
  p99TargetMs: number;
  unitCostMicros: bigint;
  sloObjectivePpm: number;
  sloWindowDays: number;
  safelistedOperation: string | null;
  serviceTimeMeanMs: number;
  serviceTimeScv: number;
  arrivalRatePerSecond: number;
}

export function toServiceOpSpec(id: string, op: z.output<typeof ServiceOpInputSchema>): ServiceOpSpec {
  return {
    id,
    name: op.name,
    service: op.service,
    p95TargetMs: op.p95TargetMs,
    p99TargetMs: op.p99TargetMs,
    unitCostMicros: (op.unitCostMicros ?? op.unitCostUSD)!,
    sloObjectivePpm: (op.slo.objectivePpm ?? op.slo.objective)!,
    sloWindowDays: op.slo.windowDays,
    safelistedOperation: op.safelistedOperation,
    ...op.fallback,
  };
}

const MicrosString = z.string().regex(/^\d+$/).describe('integer micro-dollars');

export const PricingSchema = z.discriminatedUnion('model', [
  z.object({ model: z.literal('instance'), instanceHourMicros: MicrosString, instances: z.number().int(), perInstanceConcurrency: z.number().int() }),
  z.object({ model: z.literal('request'), perRequestMicros: MicrosString, gbSecondMicros: MicrosString, memoryMb: z.number().int() }),
]);

/** A service as the API returns it. */
export const ServiceSchema = z.object({
  name: z.string(),
  owner: z.string(),
  system: z.string(),
  lifecycle: z.enum(LIFECYCLES),
  dependsOn: z.array(z.string()),
  pricing: PricingSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Service = z.infer<typeof ServiceSchema>;

/** A ServiceOp as the API returns it; `unitCostUSD` is the same amount as an exact decimal string. */
export const ServiceOpSchema = z.object({
  id: z.string(),
  name: z.string(),
  service: z.string(),
  p95TargetMs: z.number().int(),
  p99TargetMs: z.number().int(),
  unitCostMicros: MicrosString,
  unitCostUSD: z.string(),
  slo: z.object({ objectivePpm: z.number().int(), objective: z.string().describe('percent, e.g. "99.9%"'), windowDays: z.number().int() }),
  safelistedOperation: z.string().nullable(),
  fallback: FallbackSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ServiceOp = z.infer<typeof ServiceOpSchema>;

/**
 * examples/origin/catalog.yaml: services, each with its ops nested (Backstage's Component → API
 * relation, flattened to what the calculator needs). Cross-references are checked by the seeder.
 */
export const CatalogFileSchema = z
  .object({
    apiVersion: z.literal('conductor.dev/catalog/v1'),
    services: z
      .array(
        ServiceInputSchema.extend({
          name: EntityNameSchema,
          // Each op is checked with ServiceOpInputSchema once its service is known (the seeder).
          ops: z.array(z.looseObject({ id: EntityNameSchema })).default([]),
        }),
      )
      .min(1),
  })
  .strict();
export type CatalogFile = z.output<typeof CatalogFileSchema>;

/**
 * What-if overrides on top of an op's baseline (observed metrics, else catalog fallbacks). The
 * arrival rate is changed by a factor or set absolutely, not both; `burstiness` is the SCV of
 * inter-arrival gaps (1 = Poisson).
 */
export const WhatIfOverridesSchema = z
  .object({
    arrivalFactor: z.number().min(0).max(1_000).optional(),
    arrivalRatePerSecond: z.number().min(0).max(1e9).optional(),
    instances: z.number().int().min(1).max(100_000).optional(),
    perInstanceConcurrency: z.number().int().min(1).max(100_000).optional(),
    serviceTimeMeanMs: z.number().positive().max(3_600_000).optional(),
    serviceTimeScv: z.number().min(0).max(10_000).optional(),
    burstiness: z.number().min(0).max(10_000).optional(),
    hitRatio: z.number().min(0).max(1).optional(),
  })
  .strict()
  .refine((o) => o.arrivalFactor === undefined || o.arrivalRatePerSecond === undefined, 'give arrivalFactor or arrivalRatePerSecond, not both');
export type WhatIfOverrides = z.output<typeof WhatIfOverridesSchema>;

const WhatIfBase = {
  opId: EntityNameSchema,
  /** Observed inputs from this tenant's traffic only; absent: every tenant's (the op's platform-wide load). */
  tenant: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/).optional(),
  /** Metrics window ending at `at` (default now); default and limit are METRICS_WINDOW's. */
  windowMinutes: z.number().int().min(1).max(METRICS_WINDOW.maxMinutes).default(METRICS_WINDOW.recentMinutes),
  at: z.iso.datetime({ offset: true }).optional(),
  overrides: WhatIfOverridesSchema.default({}),
};

/** POST /v1/catalog/whatif and GraphQL Query.whatIf. */
export const WhatIfRequestSchema = z
  .object({
    ...WhatIfBase,
    mode: z.enum(['analytic', 'simulate']).default('analytic'),
    /** Simulation only: measured customers and PRNG seed (same seed, same answer). */
    simulation: z
      .object({ customers: z.number().int().min(1_000).max(500_000).default(100_000), seed: z.number().int().min(0).max(2 ** 31 - 1).default(1) })
      .strict()
      .default({ customers: 100_000, seed: 1 }),
  })
  .strict();
export type WhatIfRequest = z.output<typeof WhatIfRequestSchema>;

/**
 * Largest load factor a sweep takes: a million times today's load, because an origin with a large
 * fleet and a trickle of misses saturates only far out, and the sweep must reach that point.
 */
export const MAX_SWEEP_LOAD_FACTOR = 1_000_000;

/** POST /v1/catalog/whatif/sweep: the same scenario at several load factors (× the scenario's arrival rate). */
export const WhatIfSweepRequestSchema = z
  .object({
    ...WhatIfBase,
    loadFactors: z
      .array(z.number().min(0).max(MAX_SWEEP_LOAD_FACTOR))
      .min(1)
      .max(200)
      .default([0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2]),
  })
  .strict();
export type WhatIfSweepRequest = z.output<typeof WhatIfSweepRequestSchema>;

/** Where each what-if input came from. */
export const InputSourceSchema = z.enum(['observed', 'catalog', 'default', 'override']);

/** One point of a sweep: what the UI's chart plots. Money in micros strings; null latencies when saturated. */
export const SweepPointSchema = z.object({
  loadFactor: z.number(),
  lambda: z.number(),
  originLambda: z.number(),
  rho: z.number(),
  saturated: z.boolean(),
  p50Ms: z.number().nullable(),
  p95Ms: z.number().nullable(),
  p99Ms: z.number().nullable(),
  costPerHourMicros: z.string().nullable(),
  costPerMillionRequestsMicros: z.string().nullable(),
  p95TargetMet: z.boolean().nullable(),
  p99TargetMet: z.boolean().nullable(),
  sloMet: z.boolean().nullable(),
});
export type SweepPoint = z.infer<typeof SweepPointSchema>;
