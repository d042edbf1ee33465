import { ErrorCode } from '@conductor/sdk';
import type { CreateTenant, Tenant, UpdateTenant } from '@conductor/schema/contracts/tenants';
import { recordAudit } from '../audit/record.ts';
import type { Actor } from '../auth/principal.ts';
import type { Db } from '../db/client.ts';
import { ApiError } from '../http/errors.ts';
import { insertTenant, updateTenant, type TenantRow } from './queries.ts';

export function toTenant(row: TenantRow): Tenant {
  return {
    id: row.id,
    name: row.name,
    strictSafelist: row.strictSafelist,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function createTenant(db: Db, actor: Actor, input: CreateTenant): Promise<Tenant> {
  return db.transaction(async (tx) => {
    const row = await insertTenant(tx, input);
    if (!row) throw new ApiError(409, ErrorCode.CONFLICT, `tenant "${input.id}" already exists`);
    await recordAudit(tx, { actor, tenantId: row.id, action: 'tenant.create', target: `tenant:${row.id}`, payload: input });
    return toTenant(row);
  });
}

export async function changeTenant(db: Db, actor: Actor, id: string, patch: UpdateTenant): Promise<Tenant> {
  return db.transaction(async (tx) => {
    const row = await updateTenant(tx, id, patch);
    if (!row) throw new ApiError(404, ErrorCode.NOT_FOUND, `tenant "${id}" does not exist`);
    await recordAudit(tx, { actor, tenantId: id, action: 'tenant.update', target: `tenant:${id}`, payload: patch });
    return toTenant(row);
  });
}
