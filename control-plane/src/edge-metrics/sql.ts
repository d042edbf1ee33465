import { and, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { EDGE_SERVED_STATUSES } from '@conductor/schema/contracts/edge-metrics';
import type { TenantScope } from './scope.ts';
import type { Window } from './window.ts';

/*
 * SQL pieces every read over the metrics tables shares. Sums are cast to float8 so both drivers
 * hand back JS numbers (PostgreSQL's sum(bigint) is numeric, which drivers return as strings);
 * float8 is exact far beyond any count a window can hold (2^53).
 */

export function tenantCondition(column: AnyPgColumn, scope: TenantScope): SQL | undefined {
  return scope.all ? undefined : inArray(column, [...scope.tenants]);
}

export function inWindow(column: AnyPgColumn, window: Window): SQL {
  return and(gte(column, window.from), lt(column, window.to))!;
}

/** Σ `requests` of the edge-served statuses (EDGE_SERVED_STATUSES), as float8. */
export function edgeServedSum(status: AnyPgColumn, requests: AnyPgColumn): SQL<number> {
  return sql<number>`coalesce(sum(${requests}) filter (where ${inArray(status, [...EDGE_SERVED_STATUSES])}), 0)::float8`;
}

export function sumOf(column: AnyPgColumn): SQL<number> {
  return sql<number>`coalesce(sum(${column}), 0)::float8`;
}

/** Epoch seconds of the start of the step a timestamp falls in; the step is a validated integer. */
export function slotOf(column: AnyPgColumn, stepMinutes: number): SQL<number> {
  if (!Number.isInteger(stepMinutes) || stepMinutes < 1) throw new RangeError(`step must be a positive integer, got ${stepMinutes}`);
  // Inlined rather than bound: GROUP BY must repeat the select expression exactly, and two bind
  // parameters never compare equal to the planner.
  const step = sql.raw(String(stepMinutes * 60));
  return sql<number>`(floor(extract(epoch from ${column}) / ${step}) * ${step})::float8`;
}
