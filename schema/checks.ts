import { sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';

/**
 * CHECK (column IN (…)) for an enum-like text column, built from the same literal list its
 * TypeScript type comes from. The values are our own constants, never input, so inlining them is safe.
 */
export function oneOf(column: PgColumn, values: readonly string[]): SQL {
  return sql`${column} in (${sql.raw(values.map((v) => `'${v}'`).join(', '))})`;
}
