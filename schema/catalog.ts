import { sql } from 'drizzle-orm';
import { bigint, check, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { oneOf } from './checks.ts';
import { LIFECYCLES, PRICING_MODELS } from './contracts/catalog.ts';

/*
 * The service catalog (Backstage's Component/System entities, OpenSLO's SLO objective) and the
 * what-if calculator's stored backtests. The catalog is platform-wide configuration, like the
 * safelist: one row per service and per operation, shared by every tenant.
 *
 * Money is integer micro-dollars in bigint columns (mode 'bigint': exact in TypeScript too); the
 * SLO objective is an integer in parts per million, so 99.9 % is exactly 999000.
 */

export const catalogServices = pgTable(
  'catalog_services',
  {
    /** Backstage-style entity name: lowercase letters, digits, dashes. */
    name: text().primaryKey(),
    owner: text().notNull(),
    system: text().notNull(),
    lifecycle: text({ enum: LIFECYCLES }).notNull(),
    /** Names of other catalog services (validated on write). */
    dependsOn: jsonb().$type<string[]>().notNull(),
    pricingModel: text({ enum: PRICING_MODELS }).notNull(),
    /** 'instance' pricing: price of one instance-hour, fleet size, concurrent requests per instance. */
    instanceHourMicros: bigint({ mode: 'bigint' }),
    instances: integer(),
    perInstanceConcurrency: integer(),
    /** 'request' pricing (serverless): per invocation, per GB-second, memory per invocation. */
    perRequestMicros: bigint({ mode: 'bigint' }),
    gbSecondMicros: bigint({ mode: 'bigint' }),
    memoryMb: integer(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('catalog_services_lifecycle_check', oneOf(t.lifecycle, LIFECYCLES)),
    check('catalog_services_pricing_model_check', oneOf(t.pricingModel, PRICING_MODELS)),
    // The model decides which inputs exist; the other model's columns stay null.
    check(
      'catalog_services_pricing_inputs_check',
      sql`(${t.pricingModel} = 'instance' and ${t.instanceHourMicros} >= 0 and ${t.instances} >= 1 and ${t.perInstanceConcurrency} >= 1
            and ${t.perRequestMicros} is null and ${t.gbSecondMicros} is null and ${t.memoryMb} is null)
        or (${t.pricingModel} = 'request' and ${t.perRequestMicros} >= 0 and ${t.gbSecondMicros} >= 0 and ${t.memoryMb} >= 1
            and ${t.instanceHourMicros} is null and ${t.instances} is null and ${t.perInstanceConcurrency} is null)`,
    ),
  ],
);

/** `ServiceOp`: one operation of a service, its latency targets, unit cost and SLO. */
export const catalogOps = pgTable(
  'catalog_ops',
  {
    id: text().primaryKey(),
    name: text().notNull(),
    service: text()
      .notNull()
      .references(() => catalogServices.name),
    p95TargetMs: integer().notNull(),
    p99TargetMs: integer().notNull(),
    unitCostMicros: bigint({ mode: 'bigint' }).notNull(),
    sloObjectivePpm: integer().notNull(),
    sloWindowDays: integer().notNull(),
    /** Name of a safelisted operation whose edge metrics are this op's observed inputs. */
    safelistedOperation: text(),
    /** Fallbacks when the edge has no metrics for the op: origin service time (mean, SCV) and arrival rate. */
    serviceTimeMeanMs: doublePrecision().notNull(),
    serviceTimeScv: doublePrecision().notNull(),
    arrivalRatePerSecond: doublePrecision().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index().on(t.service),
    index().on(t.safelistedOperation),
    check('catalog_ops_targets_check', sql`${t.p95TargetMs} >= 1 and ${t.p99TargetMs} >= ${t.p95TargetMs}`),
    check('catalog_ops_unit_cost_check', sql`${t.unitCostMicros} >= 0`),
    check('catalog_ops_slo_check', sql`${t.sloObjectivePpm} between 1 and 999999 and ${t.sloWindowDays} between 1 and 366`),
    check('catalog_ops_fallback_check', sql`${t.serviceTimeMeanMs} > 0 and ${t.serviceTimeScv} >= 0 and ${t.arrivalRatePerSecond} >= 0`),
  ],
);

/**
 * Uploaded what-if backtests (catalog/queueing/backtest.ts BacktestReport): one row per report row,
 * i.e. per op and load level, the model's p95/p99 beside what the real origin then showed.
 * Not money: latencies and errors are measurements, stored as double precision.
 */
export const whatifBacktests = pgTable(
  'whatif_backtests',
  {
    reportId: text().notNull(),
    runAt: timestamp({ withTimezone: true }).notNull(),
    opId: text()
      .notNull()
      .references(() => catalogOps.id),
    level: text().notNull(),
    lambda: doublePrecision().notNull(),
    rho: doublePrecision().notNull(),
    observedP95Ms: doublePrecision().notNull(),
    observedP99Ms: doublePrecision().notNull(),
    predictedP95Ms: doublePrecision().notNull(),
    predictedP99Ms: doublePrecision().notNull(),
    /** Signed, (predicted − observed)/observed × 100. */
    errorP95Pct: doublePrecision().notNull(),
    errorP99Pct: doublePrecision().notNull(),
    actor: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.reportId, t.opId, t.level] }), index().on(t.opId, t.runAt)],
);
