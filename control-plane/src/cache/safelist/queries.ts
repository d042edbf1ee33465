import { asc, eq } from 'drizzle-orm';
import { safelistedOperations } from '@conductor/schema/cache';
import type { Db } from '../../db/client.ts';

export type SafelistRow = typeof safelistedOperations.$inferSelect;
export type NewSafelistRow = typeof safelistedOperations.$inferInsert;

export function listOperations(db: Db): Promise<SafelistRow[]> {
  return db.select().from(safelistedOperations).orderBy(asc(safelistedOperations.name), asc(safelistedOperations.id));
}

export async function getOperation(db: Db, id: string): Promise<SafelistRow | undefined> {
  const [row] = await db.select().from(safelistedOperations).where(eq(safelistedOperations.id, id));
  return row;
}

/** Every stored version (document) of one operation name. */
export function getOperationsByName(db: Db, name: string): Promise<SafelistRow[]> {
  return db.select().from(safelistedOperations).where(eq(safelistedOperations.name, name)).orderBy(asc(safelistedOperations.id));
}

export async function insertOperation(db: Db, row: NewSafelistRow): Promise<SafelistRow> {
  const [inserted] = await db.insert(safelistedOperations).values(row).returning();
  if (!inserted) throw new Error('insert returned no row');
  return inserted;
}

// Rows per INSERT: 11 columns each stays far below PostgreSQL's 65,535 bind parameters.
const INSERT_BATCH = 1_000;

/** Inserts many rows in a few statements (a published manifest may hold thousands). */
export async function insertOperations(db: Db, rows: NewSafelistRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_BATCH) await db.insert(safelistedOperations).values(rows.slice(i, i + INSERT_BATCH));
}

export type OperationPatch = Partial<
  Pick<SafelistRow, 'name' | 'operationType' | 'ttlSeconds' | 'staleWhileRevalidateSeconds' | 'staleIfErrorSeconds' | 'cachingEnabled' | 'scope' | 'variables'>
>;

export async function updateOperation(db: Db, id: string, patch: OperationPatch): Promise<SafelistRow> {
  const [updated] = await db
    .update(safelistedOperations)
    .set({ ...patch, updatedAt: new Date() })
    .where(eq(safelistedOperations.id, id))
    .returning();
  if (!updated) throw new Error(`operation ${id} vanished during update`);
  return updated;
}

export async function deleteOperation(db: Db, id: string): Promise<void> {
  await db.delete(safelistedOperations).where(eq(safelistedOperations.id, id));
}
