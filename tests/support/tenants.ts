import { randomBytes } from 'node:crypto';
import type { Stack } from '../../scripts/stack.ts';
import { OPS } from './operations.ts';
import { eventually } from './eventually.ts';
import { controlPlane, edgePost } from './http.ts';

export const PLATFORM_ADMIN = { tenant: 'conductor', sub: 'user:platform-admin', roles: ['platform-admin'], scopes: ['admin.write'] };

export function uniqueTenantId(prefix = 't'): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

export const EDGE_CONFIG_BOUND_MS = 5_000;
export const PROBE_ENTITY_ID = '100';

/**
 * Creates a tenant through the control plane API and waits (bounded by the 5 s config guarantee)
 * until the edge serves it, so tests never share a tenant and never race the config pull.
 * The probe reads entity PROBE_ENTITY_ID, which tests leave alone (it is cached by the probe).
 */
export async function createTenant(stack: Stack, opts: { strictSafelist?: boolean; prefix?: string } = {}): Promise<{ id: string; token: string }> {
  const id = uniqueTenantId(opts.prefix);
  const admin = await stack.token(PLATFORM_ADMIN);
  const created = await controlPlane(stack, admin, 'POST', '/v1/tenants', { id, name: `Test ${id}`, strictSafelist: opts.strictSafelist ?? false });
  if (created.status !== 201 && created.status !== 200) throw new Error(`POST /v1/tenants ${created.status}: ${created.text}`);
  const token = await stack.token({ tenant: id });
  await eventually(async () => {
    const r = await edgePost(stack, token, { documentId: OPS.EntityById.documentId, variables: { id: PROBE_ENTITY_ID } });
    if (r.status !== 200) throw new Error(`edge does not serve tenant ${id} yet: ${r.status} ${r.text}`);
  }, EDGE_CONFIG_BOUND_MS + 1_000);
  return { id, token };
}
