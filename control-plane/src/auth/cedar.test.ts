import { policySetTextToParts, policyToJson } from '@cedar-policy/cedar-wasm/nodejs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Claims } from '@conductor/schema/contracts/auth';
import type { ExportStatus } from '@conductor/schema/contracts/exports';
import {
  evaluate,
  installPolicySource,
  loadPolicySource,
  policyNotes,
  validatePolicies,
  type Action,
  type ApproveContext,
  type CreateExportContext,
  type Decision,
  type ExportResource,
  type Resource,
} from './cedar.ts';
import { automation, type Principal } from './principal.ts';

function user(overrides: Partial<Claims>): Claims {
  return { sub: 'user:test', tenant: 'acme', tenants: [], roles: [], scopes: [], clearance: 0, purposes: [], ...overrides };
}
const acme = { type: 'Tenant', id: 'acme' } as const;
const globex = { type: 'Tenant', id: 'globex' } as const;
const platform = { type: 'Platform' } as const;
const job = automation('alerts-evaluate');

const approver = (overrides: Partial<Claims> = {}) => user({ sub: 'user:approver', scopes: ['admin.write'], clearance: 4, ...overrides });
const byOther: ApproveContext = { requestedBy: 'user:requester' };

// Exports: the demo licence and purpose (seeded for acme and globex), a requester and a reviewer.
const acmeLicences = { ...acme, allowedLicenses: ['Restricted-TOS'] };
const globexLicences = { ...globex, allowedLicenses: ['Restricted-TOS'] };
const proofs: CreateExportContext = { license: 'Restricted-TOS', purpose: ['investigation'] };
const requester = (overrides: Partial<Claims> = {}) => user({ sub: 'user:requester', scopes: ['export.create'], purposes: ['investigation'], ...overrides });
const reviewer = (overrides: Partial<Claims> = {}) => user({ sub: 'user:reviewer', scopes: ['export.review'], clearance: 4, ...overrides });
const anExport = (status: ExportStatus, overrides: Partial<ExportResource> = {}): ExportResource => ({
  type: 'Export',
  id: 'exp-1',
  tenant: 'acme',
  requestedBy: 'user:requester',
  status,
  ...overrides,
});
const pending = anExport('pending_review');
const approved = anExport('approved');

interface Case {
  what: string;
  principal: Principal;
  action: Action;
  resource: Resource;
  context?: ApproveContext | CreateExportContext;
}
// The table mixes actions, so it calls evaluate untyped; the typed signature is authorize.test.ts's concern.
const evaluateAny = evaluate as (principal: Principal, action: Action, resource: Resource, ...context: unknown[]) => Decision;
const ask = (c: Case) => evaluateAny(c.principal, c.action, c.resource, ...(c.context ? [c.context] : []));

/**
 * An allow and a deny for every policy of policies/conductor.cedar, keyed by its @id. A permit's
 * allows must be decided by it (Cedar names it) and its denies are requests in its scope whose
 * condition fails; a forbid's denies must be decided by it and its allows are requests it lets through.
 */
const CASES: Record<string, { allow: Case[]; deny: Case[] }> = {
  'tenant-read-member': {
    allow: [
      { what: 'a member without any scope reads its home tenant', principal: user({}), action: 'read', resource: acme },
      { what: 'a member reads a tenant listed in `tenants`', principal: user({ tenants: ['globex'] }), action: 'read', resource: globex },
    ],
    deny: [{ what: 'a non-member with admin scopes reads another tenant', principal: user({ scopes: ['admin.write', 'admin.read'] }), action: 'read', resource: globex }],
  },
  'tenant-read-platform-admin': {
    allow: [{ what: 'a platform admin reads any tenant', principal: user({ tenant: 'conductor', roles: ['platform-admin'] }), action: 'read', resource: globex }],
    deny: [{ what: 'another role does not', principal: user({ tenant: 'conductor', roles: ['admin'] }), action: 'read', resource: globex }],
  },
  'platform-read': {
    allow: ['admin.read', 'admin.write', 'edge.config'].map((scope) => ({ what: `scope ${scope} reads shared configuration`, principal: user({ scopes: [scope] }), action: 'read' as const, resource: platform })),
    deny: [
      { what: 'a platform admin with none of those scopes', principal: user({ roles: ['platform-admin'], scopes: ['billing.read'] }), action: 'read', resource: platform },
      { what: 'the metrics scopes', principal: user({ scopes: ['edge.metrics', 'metrics.read'] }), action: 'read', resource: platform },
    ],
  },
  'tenant-change-member': {
    allow: [
      { what: 'admin.write in the home tenant', principal: user({ scopes: ['admin.write'] }), action: 'write', resource: acme },
      { what: 'admin.write in a tenant listed in `tenants`', principal: user({ scopes: ['admin.write'], tenants: ['globex'] }), action: 'write', resource: globex },
      { what: 'approving a change in the home tenant', principal: approver(), action: 'approve', resource: acme, context: byOther },
    ],
    deny: [
      { what: 'admin.write across tenants', principal: user({ scopes: ['admin.write'] }), action: 'write', resource: globex },
      { what: 'a platform admin in a tenant it is not a member of', principal: user({ tenant: 'conductor', roles: ['platform-admin'], scopes: ['admin.write'] }), action: 'write', resource: acme },
      { what: 'approving across tenants', principal: approver(), action: 'approve', resource: globex, context: byOther },
    ],
  },
  'platform-change-platform-admin': {
    allow: [
      { what: 'admin.write with role platform-admin', principal: user({ roles: ['platform-admin'], scopes: ['admin.write'] }), action: 'write', resource: platform },
      { what: 'a platform admin approving a platform change', principal: approver({ roles: ['platform-admin'] }), action: 'approve', resource: platform, context: byOther },
    ],
    deny: [
      { what: 'admin.write without the role', principal: user({ scopes: ['admin.write'] }), action: 'write', resource: platform },
      { what: 'approving a platform change without the role', principal: approver(), action: 'approve', resource: platform, context: byOther },
    ],
  },
  'change-needs-admin-write': {
    allow: [{ what: 'a member with admin.write changes its tenant', principal: user({ scopes: ['admin.write'] }), action: 'write', resource: acme }],
    deny: [
      { what: 'a member with admin.read only, in its home tenant', principal: user({ scopes: ['admin.read'] }), action: 'write', resource: acme },
      { what: 'the platform-admin role without admin.write', principal: user({ roles: ['platform-admin'], scopes: ['admin.read'] }), action: 'write', resource: platform },
      { what: 'approving without admin.write', principal: approver({ scopes: ['admin.read'] }), action: 'approve', resource: acme, context: byOther },
      { what: 'a platform admin switching exports without admin.write', principal: user({ roles: ['platform-admin'], scopes: ['admin.read'] }), action: 'switchExports', resource: platform },
    ],
  },
  'approver-is-not-requester': {
    allow: [{ what: 'approving what someone else asked for', principal: approver(), action: 'approve', resource: acme, context: byOther }],
    deny: [{ what: 'approving what one asked for oneself', principal: approver(), action: 'approve', resource: acme, context: { requestedBy: 'user:approver' } }],
  },
  'approve-needs-high-clearance': {
    allow: [
      { what: 'clearance 4', principal: approver({ clearance: 4 }), action: 'approve', resource: acme, context: byOther },
      { what: 'clearance 5', principal: approver({ clearance: 5 }), action: 'approve', resource: acme, context: byOther },
      { what: 'reviewing an export at clearance 4', principal: reviewer({ clearance: 4 }), action: 'reviewExport', resource: pending },
      { what: 'reviewing an export at clearance 5', principal: reviewer({ clearance: 5 }), action: 'reviewExport', resource: pending },
    ],
    deny: [
      { what: 'clearance 3', principal: approver({ clearance: 3 }), action: 'approve', resource: acme, context: byOther },
      { what: 'reviewing an export at clearance 3', principal: reviewer({ clearance: 3 }), action: 'reviewExport', resource: pending },
      { what: 'reviewing an export at the default clearance 0', principal: reviewer({ clearance: 0 }), action: 'reviewExport', resource: pending },
    ],
  },
  'approve-by-people-only': {
    allow: [{ what: 'a person approves', principal: approver(), action: 'approve', resource: acme, context: { requestedBy: 'automation:alerts-evaluate' } }],
    deny: [
      { what: 'automation approves', principal: job, action: 'approve', resource: platform, context: byOther },
      { what: 'automation reviews an export', principal: job, action: 'reviewExport', resource: pending },
    ],
  },
  'export-create-member': {
    allow: [
      { what: 'a member asks for an export of its home tenant', principal: requester(), action: 'createExport', resource: acmeLicences, context: proofs },
      { what: 'a member of a tenant listed in `tenants`', principal: requester({ tenants: ['globex'] }), action: 'createExport', resource: globexLicences, context: proofs },
    ],
    deny: [
      { what: 'a requester in another tenant', principal: requester(), action: 'createExport', resource: globexLicences, context: proofs },
      { what: 'a platform admin in a tenant it is not a member of', principal: requester({ tenant: 'conductor', roles: ['platform-admin'] }), action: 'createExport', resource: acmeLicences, context: proofs },
    ],
  },
  'export-create-needs-scope': {
    allow: [{ what: 'scope export.create', principal: requester(), action: 'createExport', resource: acmeLicences, context: proofs }],
    deny: [
      { what: 'a member with admin.write but not export.create', principal: requester({ scopes: ['admin.write'] }), action: 'createExport', resource: acmeLicences, context: proofs },
      { what: 'a reviewer', principal: reviewer({ purposes: ['investigation'] }), action: 'createExport', resource: acmeLicences, context: proofs },
    ],
  },
  'export-license-allowed-by-tenant': {
    allow: [
      { what: 'a licence the tenant allows', principal: requester(), action: 'createExport', resource: acmeLicences, context: proofs },
      { what: 'one of several', principal: requester(), action: 'createExport', resource: { ...acme, allowedLicenses: ['CC-BY-4.0', 'Restricted-TOS'] }, context: proofs },
    ],
    deny: [
      { what: 'a licence the tenant does not allow', principal: requester(), action: 'createExport', resource: acmeLicences, context: { ...proofs, license: 'CC-BY-4.0' } },
      { what: 'a licence differing only in case', principal: requester(), action: 'createExport', resource: acmeLicences, context: { ...proofs, license: 'restricted-tos' } },
      { what: 'a tenant that allows no licence', principal: requester(), action: 'createExport', resource: { ...acme, allowedLicenses: [] }, context: proofs },
      { what: 'a tenant entity built without its licences', principal: requester(), action: 'createExport', resource: acme, context: proofs },
    ],
  },
  'export-purposes-allowed-by-token': {
    allow: [
      { what: 'the purpose the token allows', principal: requester(), action: 'createExport', resource: acmeLicences, context: proofs },
      { what: 'some of the purposes the token allows', principal: requester({ purposes: ['audit', 'investigation', 'training'] }), action: 'createExport', resource: acmeLicences, context: { ...proofs, purpose: ['investigation', 'audit'] } },
    ],
    deny: [
      { what: 'a purpose the token lacks', principal: requester(), action: 'createExport', resource: acmeLicences, context: { ...proofs, purpose: ['marketing'] } },
      { what: 'one purpose of two the token lacks', principal: requester(), action: 'createExport', resource: acmeLicences, context: { ...proofs, purpose: ['investigation', 'marketing'] } },
      { what: 'a token without purposes', principal: requester({ purposes: [] }), action: 'createExport', resource: acmeLicences, context: proofs },
      { what: 'no purpose at all', principal: requester(), action: 'createExport', resource: acmeLicences, context: { ...proofs, purpose: [] } },
    ],
  },
  'export-review-member': {
    allow: [
      { what: 'a reviewer of the export’s tenant', principal: reviewer(), action: 'reviewExport', resource: pending },
      { what: 'a reviewer of a tenant listed in `tenants`', principal: reviewer({ tenant: 'globex', tenants: ['acme'] }), action: 'reviewExport', resource: pending },
    ],
    deny: [{ what: 'a reviewer of another tenant', principal: reviewer(), action: 'reviewExport', resource: anExport('pending_review', { tenant: 'globex' }) }],
  },
  'export-review-needs-scope': {
    allow: [{ what: 'scope export.review', principal: reviewer(), action: 'reviewExport', resource: pending }],
    deny: [
      { what: 'clearance 5 and admin.write without export.review', principal: reviewer({ scopes: ['admin.write'], clearance: 5 }), action: 'reviewExport', resource: pending },
      { what: 'scope export.create', principal: reviewer({ scopes: ['export.create'] }), action: 'reviewExport', resource: pending },
    ],
  },
  'export-reviewer-is-not-requester': {
    allow: [{ what: 'reviewing what someone else asked for', principal: reviewer(), action: 'reviewExport', resource: pending }],
    deny: [
      { what: 'reviewing one’s own export (self-approval)', principal: reviewer({ sub: 'user:requester', scopes: ['export.create', 'export.review'], clearance: 5 }), action: 'reviewExport', resource: pending },
    ],
  },
  'export-download-member': {
    allow: [
      { what: 'the requester pulls an approved export', principal: requester(), action: 'downloadExport', resource: approved },
      { what: 'a member of a tenant listed in `tenants`', principal: requester({ tenant: 'globex', tenants: ['acme'] }), action: 'downloadExport', resource: approved },
    ],
    deny: [{ what: 'a member of another tenant', principal: requester(), action: 'downloadExport', resource: anExport('approved', { tenant: 'globex' }) }],
  },
  'export-download-needs-scope': {
    allow: [
      { what: 'scope export.create', principal: requester(), action: 'downloadExport', resource: approved },
      { what: 'a pipeline credential with export.download only', principal: user({ sub: 'user:rag-pipeline', scopes: ['export.download'] }), action: 'downloadExport', resource: approved },
    ],
    deny: [
      { what: 'a reviewer (export.review only)', principal: reviewer({ clearance: 5 }), action: 'downloadExport', resource: approved },
      { what: 'a member with admin.write', principal: user({ scopes: ['admin.write', 'admin.read'] }), action: 'downloadExport', resource: approved },
    ],
  },
  'export-download-only-approved': {
    allow: [{ what: 'an approved export', principal: requester(), action: 'downloadExport', resource: approved }],
    deny: (['building', 'pending_review', 'rejected', 'failed'] as const).map((status) => ({
      what: `a ${status} export`,
      principal: requester(),
      action: 'downloadExport' as const,
      resource: anExport(status),
    })),
  },
  'exports-switch-platform-admin': {
    allow: [{ what: 'a platform admin with admin.write', principal: user({ tenant: 'conductor', roles: ['platform-admin'], scopes: ['admin.write'] }), action: 'switchExports', resource: platform }],
    deny: [
      { what: 'a tenant admin with admin.write', principal: user({ roles: ['admin'], scopes: ['admin.write', 'export.create', 'export.review'] }), action: 'switchExports', resource: platform },
      { what: 'automation', principal: job, action: 'switchExports', resource: platform },
    ],
  },
  'platform-metrics-ingest': {
    allow: [{ what: 'scope edge.metrics', principal: user({ tenant: 'conductor', scopes: ['edge.config', 'edge.metrics'] }), action: 'ingestMetrics', resource: platform }],
    deny: [
      { what: 'the config-only edge token', principal: user({ scopes: ['edge.config'] }), action: 'ingestMetrics', resource: platform },
      { what: 'a platform admin', principal: user({ roles: ['platform-admin'], scopes: ['admin.write'] }), action: 'ingestMetrics', resource: platform },
    ],
  },
  'platform-metrics-read': {
    allow: [
      { what: 'scope metrics.read', principal: user({ scopes: ['metrics.read'] }), action: 'readMetrics', resource: platform },
      { what: 'role platform-admin', principal: user({ roles: ['platform-admin'] }), action: 'readMetrics', resource: platform },
    ],
    deny: [
      { what: 'a tenant admin', principal: user({ scopes: ['admin.write', 'admin.read'] }), action: 'readMetrics', resource: platform },
      { what: 'the edge', principal: user({ scopes: ['edge.config', 'edge.metrics'] }), action: 'readMetrics', resource: platform },
    ],
  },
  'automation-metrics-read': {
    allow: [{ what: 'a job reads every tenant’s metrics', principal: job, action: 'readMetrics', resource: platform }],
    deny: [
      { what: 'a job reading shared configuration', principal: job, action: 'read', resource: platform },
      { what: 'a job reading a tenant', principal: job, action: 'read', resource: acme },
      { what: 'a job forging edge traffic', principal: job, action: 'ingestMetrics', resource: platform },
    ],
  },
  'automation-maintain': {
    allow: [{ what: 'a job does housekeeping', principal: job, action: 'maintain', resource: platform }],
    deny: [
      { what: 'a platform admin by hand', principal: user({ roles: ['platform-admin'], scopes: ['admin.write'] }), action: 'maintain', resource: platform },
      { what: 'a job changing shared configuration', principal: job, action: 'write', resource: platform },
      { what: 'a job changing a tenant', principal: job, action: 'write', resource: acme },
    ],
  },
};

describe('policies/conductor.cedar', () => {
  it('validates against policies/schema.cedarschema', () => {
    expect(validatePolicies()).toEqual([]);
  });

  it('has allow and deny cases for every policy, and for no policy it lacks', () => {
    expect(Object.keys(CASES).sort()).toEqual(policyNotes().map((n) => n.id).sort());
  });

  it('gives every forbid, and every permit a person can be denied, an @advice', () => {
    const { policies } = loadPolicySource();
    const parts = policySetTextToParts(policies);
    if (parts.type !== 'success') throw new Error('policies do not parse');
    for (const text of parts.policies) {
      const json = policyToJson(text);
      if (json.type !== 'success') throw new Error('policy does not parse');
      const forPeople = json.json.principal.op !== 'is' || json.json.principal.entity_type !== 'Automation';
      if (json.json.effect === 'forbid' || forPeople) expect(json.json.annotations?.advice, json.json.annotations?.id).toBeTruthy();
    }
  });

  for (const [id, { allow, deny }] of Object.entries(CASES)) {
    const effect = () => policyNotes().find((n) => n.id === id)!.effect;
    describe(id, () => {
      it.each(allow.map((c) => [c.what, c] as const))('allows: %s', (_what, c) => {
        const decision = ask(c);
        expect(decision.allowed).toBe(true);
        if (effect() === 'permit') expect(decision.determining).toContain(id);
      });
      it.each(deny.map((c) => [c.what, c] as const))('denies: %s', (_what, c) => {
        const decision = ask(c);
        expect(decision.allowed).toBe(false);
        if (effect() === 'forbid') expect(decision.determining).toContain(id);
        else expect(decision.determining).not.toContain(id);
      });
    });
  }
});

describe('loading the policy set', () => {
  const shipped = loadPolicySource();
  afterEach(() => installPolicySource(shipped));

  it('refuses a policy without an @id', () => {
    installPolicySource({ ...shipped, policies: `${shipped.policies}\npermit (principal is User, action == Action::"read", resource is Tenant);\n` });
    expect(() => evaluate(user({}), 'read', acme)).toThrow(/without an @id/);
  });

  it('refuses an @id used twice', () => {
    installPolicySource({ ...shipped, policies: `${shipped.policies}\n@id("platform-read")\npermit (principal is User, action == Action::"read", resource is Tenant);\n` });
    expect(() => evaluate(user({}), 'read', acme)).toThrow(/@id\("platform-read"\) is used twice/);
  });

  it('fails loudly when the policies and the entities drift from the schema', () => {
    installPolicySource({ ...shipped, schema: shipped.schema.replace('  purposes: Set<String>,\n', '') });
    expect(() => evaluate(user({}), 'read', acme)).toThrow(/cedar evaluation failed/);
  });
});
