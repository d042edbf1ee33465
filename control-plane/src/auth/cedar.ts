import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  isAuthorizedPartial,
  policySetTextToParts,
  policyToJson,
  preparsePolicySet,
  preparseSchema,
  statefulIsAuthorized,
  validate,
  type CedarValueJson,
  type DetailedError,
  type EntityJson,
  type EntityUidJson,
} from '@cedar-policy/cedar-wasm/nodejs';
import type { ExportStatus } from '@conductor/schema/contracts/exports';
import { actorOf, isAutomation, type Actor, type Principal } from './principal.ts';

/** The actions of policies/schema.cedarschema. */
export type Action =
  | 'read'
  | 'write'
  | 'approve'
  | 'ingestMetrics'
  | 'readMetrics'
  | 'maintain'
  | 'createExport'
  | 'reviewExport'
  | 'downloadExport'
  | 'switchExports';

/** A tenant; `allowedLicenses` (column tenants.allowed_licenses) only where a policy reads it. */
export interface TenantResource {
  type: 'Tenant';
  id: string;
  allowedLicenses?: readonly string[];
}
/** A tenant with its licences loaded (tenants/queries.ts getLicensedTenant): what `createExport` is asked about. */
export type LicensedTenant = TenantResource & { allowedLicenses: readonly string[] };
export interface PlatformResource {
  type: 'Platform';
}
/** A stored export (schema/contracts/exports.ts): `id` is its exportId, `requestedBy` the actor who asked for it. */
export interface ExportResource {
  type: 'Export';
  id: string;
  tenant: string;
  requestedBy: Actor;
  status: ExportStatus;
}
export type Resource = TenantResource | PlatformResource | ExportResource;

/**
 * The resource each action is asked about: an export is created in a tenant whose licences were
 * loaded, reviewed and downloaded as itself; the exports switch is platform-wide; the older actions
 * take a tenant or the platform.
 */
export type ResourceFor<A extends Action> = A extends 'createExport'
  ? LicensedTenant
  : A extends 'reviewExport' | 'downloadExport'
    ? ExportResource
    : A extends 'switchExports'
      ? PlatformResource
      : TenantResource | PlatformResource;

/** The shared configuration every platform-wide route authorizes against. */
export const PLATFORM = { type: 'Platform' } as const satisfies Resource;

/** Context of an `approve` request: who asked for the change being approved (two-person rules). */
export interface ApproveContext {
  requestedBy: Actor;
}
/** Context of `createExport`: the proofs the request claims (`license`, `purpose` of POST /v1/exports). */
export interface CreateExportContext {
  license: string;
  purpose: readonly string[];
}
/** The request context an action takes, as trailing arguments: `approve` and `createExport` need one, the others none. */
export type ContextArgs<A extends Action> = A extends 'approve'
  ? [context: ApproveContext]
  : A extends 'createExport'
    ? [context: CreateExportContext]
    : [];
type AnyContext = ApproveContext | CreateExportContext;

export interface PolicySource {
  policies: string;
  schema: string;
}

/** What a policy says about itself: its `@id` and, when it can explain a denial, its `@advice`. */
export interface PolicyNote {
  id: string;
  effect: 'permit' | 'forbid';
  advice: string | undefined;
}

export interface Decision {
  allowed: boolean;
  /** `@id`s of the policies that decided: the permits that allowed, or the forbids that denied (none on a default deny). */
  determining: string[];
}

/** The one platform entity: shared configuration (tenants, safelist, invalidation map, edge config). */
const PLATFORM_ID = 'conductor';
const PREPARSED_ID = 'conductor';

/** The policy set keyed by `@id`, so Cedar's answers name policies by the ids the file gives them. */
interface Compiled {
  byId: Record<string, string>;
  notes: Map<string, PolicyNote>;
}

let loaded: PolicySource | undefined;
let compiled: Compiled | undefined;

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
  compiled = undefined;
}

function fail(what: string, errors: DetailedError[]): never {
  throw new Error(`${what}: ${errors.map((e) => e.message).join('; ')}`);
}

/**
 * Splits the policy file into its policies and reads their annotations, then preparses the set
 * (keyed by `@id`) and the schema: parsing dominates an authorization call, and cedar-wasm caches
 * the parsed forms by name. A policy without a unique `@id` is refused here, at first use.
 */
function ensureCompiled(): Compiled {
  if (compiled) return compiled;
  const source = loadPolicySource();
  const parts = policySetTextToParts(source.policies);
  if (parts.type === 'failure') fail('cedar policies do not parse', parts.errors);
  if (parts.policy_templates.length > 0) throw new Error('cedar policies: templates are not used by Conductor');
  const byId: Record<string, string> = {};
  const notes = new Map<string, PolicyNote>();
  for (const text of parts.policies) {
    const json = policyToJson(text);
    if (json.type === 'failure') fail('cedar policy does not parse', json.errors);
    const { id, advice } = json.json.annotations ?? {};
    if (!id) throw new Error(`cedar policy without an @id annotation:\n${text}`);
    if (notes.has(id)) throw new Error(`cedar policies: @id("${id}") is used twice`);
    byId[id] = text;
    notes.set(id, { id, effect: json.json.effect, advice: advice || undefined });
  }
  for (const answer of [preparsePolicySet(PREPARSED_ID, { staticPolicies: byId }), preparseSchema(PREPARSED_ID, source.schema)]) {
    if (answer.type === 'failure') fail('cedar policies do not parse', answer.errors);
  }
  compiled = { byId, notes };
  return compiled;
}

/** Every policy's `@id`, effect and `@advice`, in file order. */
export function policyNotes(): PolicyNote[] {
  return [...ensureCompiled().notes.values()];
}

/** Schema-validates the policy set; returns the error messages (empty when the policies are sound). */
export function validatePolicies(): string[] {
  const source = loadPolicySource();
  const answer = validate({ schema: source.schema, policies: { staticPolicies: source.policies } });
  if (answer.type === 'failure') return answer.errors.map((e) => e.message);
  return answer.validationErrors.map((e) => `${e.policyId}: ${e.error.message}`);
}

interface Request {
  principal: EntityJson;
  action: EntityUidJson;
  resource: EntityJson;
  context: Record<string, CedarValueJson>;
}

/**
 * The Cedar request for a principal: a User's attributes are its token's claims, an Automation's
 * only its actor. No entity has parents: membership is by attribute, not hierarchy.
 */
function request(principal: Principal, action: Action, resource: Resource, context: AnyContext | undefined): Request {
  const actor = actorOf(principal);
  const subject: EntityJson = isAutomation(principal)
    ? { uid: { type: 'Automation', id: principal.automation }, attrs: { actor }, parents: [] }
    : {
        uid: { type: 'User', id: principal.sub },
        attrs: {
          actor,
          tenant: principal.tenant,
          tenants: principal.tenants,
          roles: principal.roles,
          scopes: principal.scopes,
          clearance: principal.clearance,
          purposes: principal.purposes,
        },
        parents: [],
      };
  return { principal: subject, action: { type: 'Action', id: action }, resource: entityOf(resource), context: contextOf(context) };
}

function contextOf(context: AnyContext | undefined): Record<string, CedarValueJson> {
  if (context === undefined) return {};
  return 'license' in context ? { license: context.license, purpose: [...context.purpose] } : { ...context };
}

function entityOf(resource: Resource): EntityJson {
  switch (resource.type) {
    case 'Tenant': {
      const attrs: Record<string, CedarValueJson> = { id: resource.id };
      if (resource.allowedLicenses !== undefined) attrs.allowedLicenses = [...resource.allowedLicenses];
      return { uid: { type: 'Tenant', id: resource.id }, attrs, parents: [] };
    }
    case 'Export': {
      const { tenant, requestedBy, status } = resource;
      return { uid: { type: 'Export', id: resource.id }, attrs: { tenant, requestedBy, status }, parents: [] };
    }
    case 'Platform':
      return { uid: { type: 'Platform', id: PLATFORM_ID }, attrs: {}, parents: [] };
  }
}

/**
 * Asks Cedar whether `principal` may perform `action` on `resource`. The request is validated
 * against the schema, so a policy/schema drift fails loudly instead of silently denying.
 */
export function evaluate<A extends Action>(principal: Principal, action: A, resource: ResourceFor<A>, ...context: ContextArgs<A>): Decision {
  ensureCompiled();
  const r = request(principal, action, resource, context[0]);
  const answer = statefulIsAuthorized({
    principal: r.principal.uid,
    action: r.action,
    resource: r.resource.uid,
    context: r.context,
    preparsedSchemaName: PREPARSED_ID,
    validateRequest: true,
    preparsedPolicySetId: PREPARSED_ID,
    entities: [r.principal, r.resource],
  });
  if (answer.type === 'failure') fail('cedar evaluation failed', answer.errors);
  const { decision, diagnostics } = answer.response;
  if (diagnostics.errors.length > 0) {
    throw new Error(`cedar policy errors: ${diagnostics.errors.map((e) => `${e.policyId}: ${e.error.message}`).join('; ')}`);
  }
  return { allowed: decision === 'allow', determining: diagnostics.reason };
}

export function decide<A extends Action>(principal: Principal, action: A, resource: ResourceFor<A>, ...context: ContextArgs<A>): boolean {
  return evaluate(principal, action, resource, ...context).allowed;
}

/**
 * The notes of the given policy ids, in file order: Cedar reports its determining policies as a
 * set, in an order that shifts whenever the policy set changes, and a 403 should read the same
 * from one release to the next.
 */
export function notesOf(ids: string[]): PolicyNote[] {
  const { notes } = ensureCompiled();
  const wanted = new Set(ids);
  const unknown = ids.filter((id) => !notes.has(id)).map((id): PolicyNote => ({ id, effect: 'permit', advice: undefined }));
  return [...[...notes.values()].filter((note) => wanted.has(note.id)), ...unknown];
}

/**
 * The permits that could allow this principal's type this action on this resource, whatever the
 * principal's attributes: Cedar evaluates the request partially, with every principal attribute
 * unknown, and the permits left undecided (or already satisfied) are the ones whose scope fits.
 * Used to explain a default deny, which has no determining policy.
 */
export function permitsThatCouldApply<A extends Action>(principal: Principal, action: A, resource: ResourceFor<A>, ...context: ContextArgs<A>): PolicyNote[] {
  const { byId, notes } = ensureCompiled();
  const r = request(principal, action, resource, context[0]);
  const unknownAttrs = Object.fromEntries(Object.keys(r.principal.attrs).map((name) => [name, { __extn: { fn: 'unknown', arg: name } }]));
  const answer = isAuthorizedPartial({
    principal: r.principal.uid,
    action: r.action,
    resource: r.resource.uid,
    context: r.context,
    policies: { staticPolicies: byId },
    entities: [{ ...r.principal, attrs: unknownAttrs }, r.resource],
  });
  if (answer.type === 'failure') fail('cedar partial evaluation failed', answer.errors);
  const { satisfied, nontrivialResiduals } = answer.response;
  const open = new Set([...satisfied, ...nontrivialResiduals]);
  return [...notes.values()].filter((note) => note.effect === 'permit' && open.has(note.id));
}
