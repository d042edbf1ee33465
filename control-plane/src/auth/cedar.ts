import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { preparsePolicySet, preparseSchema, statefulIsAuthorized, validate, type EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import type { Claims } from '@conductor/schema/contracts/auth';

export type Action = 'read' | 'write' | 'ingestMetrics' | 'readMetrics';
export type Resource = { type: 'Tenant'; id: string } | { type: 'Platform' };
/** The shared configuration every platform-wide route authorizes against. */
export const PLATFORM = { type: 'Platform' } as const satisfies Resource;

export interface PolicySource {
  policies: string;
  schema: string;
}

/** The one platform entity: shared configuration (tenants, safelist, invalidation map, edge config). */
const PLATFORM_ID = 'conductor';

const PREPARSED_ID = 'conductor';
let loaded: PolicySource | undefined;
let preparsed = false;

/**
 * policies/*.cedar as shipped: read from disk on Node; the Worker bundles them as text modules
 * and installs them before the first request (control-plane/src/worker.ts).
 */
export function loadPolicySource(): PolicySource {
  loaded ??= {
    policies: readPolicyFile('conductor.cedar'),
    schema: readPolicyFile('schema.cedarschema'),
  };
  return loaded;
}

function readPolicyFile(name: string): string {
  return readFileSync(createRequire(import.meta.url).resolve(`@conductor/policies/${name}`), 'utf8');
}

export function installPolicySource(source: PolicySource): void {
  loaded = source;
  preparsed = false;
}

// Parsing policies and schema dominates an authorization call; cedar-wasm caches the parsed forms by id.
function ensurePreparsed(): void {
  if (preparsed) return;
  const source = loadPolicySource();
  for (const answer of [preparsePolicySet(PREPARSED_ID, { staticPolicies: source.policies }), preparseSchema(PREPARSED_ID, source.schema)]) {
    if (answer.type === 'failure') throw new Error(`cedar policies do not parse: ${answer.errors.map((e) => e.message).join('; ')}`);
  }
  preparsed = true;
}

/** Schema-validates the policy set; returns the error messages (empty when the policies are sound). */
export function validatePolicies(): string[] {
  const source = loadPolicySource();
  const answer = validate({ schema: source.schema, policies: { staticPolicies: source.policies } });
  if (answer.type === 'failure') return answer.errors.map((e) => e.message);
  return answer.validationErrors.map((e) => `${e.policyId}: ${e.error.message}`);
}

/**
 * Asks Cedar whether `principal` may perform `action` on `resource`. The principal's claims
 * become the User entity's attributes; the request is validated against the schema, so a
 * policy/schema drift fails loudly instead of silently denying.
 */
export function decide(principal: Claims, action: Action, resource: Resource): boolean {
  ensurePreparsed();
  const user = { type: 'User', id: principal.sub };
  const target = resource.type === 'Tenant' ? { type: 'Tenant', id: resource.id } : { type: 'Platform', id: PLATFORM_ID };
  const entities: EntityJson[] = [
    {
      uid: user,
      attrs: {
        tenant: principal.tenant,
        tenants: principal.tenants,
        roles: principal.roles,
        scopes: principal.scopes,
        clearance: principal.clearance,
      },
      parents: [],
    },
    { uid: target, attrs: resource.type === 'Tenant' ? { id: resource.id } : {}, parents: [] },
  ];
  const answer = statefulIsAuthorized({
    principal: user,
    action: { type: 'Action', id: action },
    resource: target,
    context: {},
    preparsedSchemaName: PREPARSED_ID,
    validateRequest: true,
    preparsedPolicySetId: PREPARSED_ID,
    entities,
  });
  if (answer.type === 'failure') {
    throw new Error(`cedar evaluation failed: ${answer.errors.map((e) => e.message).join('; ')}`);
  }
  const { decision, diagnostics } = answer.response;
  if (diagnostics.errors.length > 0) {
    throw new Error(`cedar policy errors: ${diagnostics.errors.map((e) => `${e.policyId}: ${e.error.message}`).join('; ')}`);
  }
  return decision === 'allow';
}
