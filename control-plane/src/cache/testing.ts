import { asc } from 'drizzle-orm';
import { expect } from 'vitest';
import { auditLog } from '@conductor/schema/audit';
import type { Db } from '../db/client.ts';

/** Asserts the shared error shape and returns the message for further checks. */
export async function expectError(res: Response, status: number, code: string): Promise<string> {
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect({ status: res.status, code: body.error.code }).toEqual({ status, code });
  expect(body.error.message).toBeTruthy();
  return body.error.message;
}

/** The audit log in chain order, reduced to what the cache suites assert on. */
export async function auditTrail(db: Db): Promise<{ actor: string; tenantId: string | null; action: string; target: string; payload: unknown }[]> {
  const rows = await db.select().from(auditLog).orderBy(asc(auditLog.seq));
  return rows.map((r) => ({ actor: r.actor, tenantId: r.tenantId, action: r.action, target: r.target, payload: r.payload }));
}
