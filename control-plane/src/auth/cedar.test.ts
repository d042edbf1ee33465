import { policySetTextToParts, policyToJson } from '@cedar-policy/cedar-wasm/nodejs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Claims } from '@conductor/schema/contracts/auth';
import { evaluate, installPolicySource, loadPolicySource, policyNotes, validatePolicies, type Action, type ApproveContext, type Resource } from './cedar.ts';
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

interface Case {
  what: string;
  principal: Principal;
  action: Action;
  resource: Resource;
  context?: ApproveContext;
}
const ask = (c: Case) => (c.action === 'approve' ? evaluate(c.principal, 'approve', c.resource, c.context!) : evaluate(c.principal, c.action, c.resource));

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
    ],
    deny: [{ what: 'clearance 3', principal: approver({ clearance: 3 }), action: 'approve', resource: acme, context: byOther }],
  },
  'approve-by-people-only': {
    allow: [{ what: 'a person approves', principal: approver(), action: 'approve', resource: acme, context: { requestedBy: 'automation:alerts-evaluate' } }],
    deny: [{ what: 'automation approves', principal: job, action: 'approve', resource: platform, context: byOther }],
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
