import { and, asc, eq } from 'drizzle-orm';
import { cacheInvalidation } from '@conductor/schema/cache';
import type { Db } from '../../db/client.ts';

export type InvalidationRow = typeof cacheInvalidation.$inferSelect;

export function listInvalidations(db: Db): Promise<InvalidationRow[]> {
  return db.select().from(cacheInvalidation).orderBy(asc(cacheInvalidation.mutationOp), asc(cacheInvalidation.affectedOp));
}

export async function getInvalidation(db: Db, mutationOp: string, affectedOp: string): Promise<InvalidationRow | undefined> {
  const [row] = await db
    .select()
    .from(cacheInvalidation)
    .where(and(eq(cacheInvalidation.mutationOp, mutationOp), eq(cacheInvalidation.affectedOp, affectedOp)));
  return row;
}

/** Entries whose selector reads variables of the operation `name`. */
export function getInvalidationsAffecting(db: Db, name: string): Promise<InvalidationRow[]> {
  return db.select().from(cacheInvalidation).where(eq(cacheInvalidation.affectedOp, name)).orderBy(asc(cacheInvalidation.mutationOp));
}

export async function upsertInvalidation(db: Db, row: InvalidationRow): Promise<InvalidationRow> {
  const [saved] = await db
    .insert(cacheInvalidation)
    .values(row)
    .onConflictDoUpdate({ target: [cacheInvalidation.mutationOp, cacheInvalidation.affectedOp], set: { varsSelector: row.varsSelector } })
    .returning();
  if (!saved) throw new Error('upsert returned no row');
  return saved;
}

export async function deleteInvalidation(db: Db, mutationOp: string, affectedOp: string): Promise<void> {
  await db
    .delete(cacheInvalidation)
    .where(and(eq(cacheInvalidation.mutationOp, mutationOp), eq(cacheInvalidation.affectedOp, affectedOp)));
}
