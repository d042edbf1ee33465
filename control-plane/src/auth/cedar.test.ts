import { describe, expect, it } from 'vitest';
import type { Claims } from '@conductor/schema/contracts/auth';
import { decide, validatePolicies } from './cedar.ts';

function user(overrides: Partial<Claims>): Claims {
  return { sub: 'user:test', tenant: 'acme', tenants: [], roles: [], scopes: [], clearance: 0, ...overrides };
}
const acme = { type: 'Tenant', id: 'acme' } as const;
const globex = { type: 'Tenant', id: 'globex' } as const;
const platform = { type: 'Platform' } as const;

describe('policies/conductor.cedar', () => {
  it('validates against policies/schema.cedarschema', () => {
    expect(validatePolicies()).toEqual([]);
  });

  describe('write on a tenant', () => {
    it('allows admin.write in the home tenant', () => {
      expect(decide(user({ scopes: ['admin.write'] }), 'write', acme)).toBe(true);
    });
    it('allows admin.write in a tenant listed in `tenants`', () => {
      expect(decide(user({ scopes: ['admin.write'], tenants: ['globex'] }), 'write', globex)).toBe(true);
    });
    it('denies without admin.write, even in the home tenant', () => {
      expect(decide(user({ scopes: ['admin.read'] }), 'write', acme)).toBe(false);
    });
    it('denies admin.write across tenants', () => {
      expect(decide(user({ scopes: ['admin.write'] }), 'write', globex)).toBe(false);
    });
    it('denies a platform admin writing to a tenant it is not a member of', () => {
      expect(decide(user({ tenant: 'conductor', roles: ['platform-admin'], scopes: ['admin.write'] }), 'write', acme)).toBe(false);
    });
  });

  describe('read on a tenant', () => {
    it('allows a member without any scope', () => {
      expect(decide(user({}), 'read', acme)).toBe(true);
      expect(decide(user({ tenants: ['globex'] }), 'read', globex)).toBe(true);
    });
    it('allows a platform admin to read any tenant', () => {
      expect(decide(user({ tenant: 'conductor', roles: ['platform-admin'] }), 'read', globex)).toBe(true);
    });
    it('denies a non-member', () => {
      expect(decide(user({ scopes: ['admin.write', 'admin.read'] }), 'read', globex)).toBe(false);
    });
  });

  describe('write on the platform', () => {
    it('allows admin.write with role platform-admin', () => {
      expect(decide(user({ roles: ['platform-admin'], scopes: ['admin.write'] }), 'write', platform)).toBe(true);
    });
    it('denies admin.write without the platform-admin role', () => {
      expect(decide(user({ scopes: ['admin.write'] }), 'write', platform)).toBe(false);
    });
    it('denies the platform-admin role without admin.write', () => {
      expect(decide(user({ roles: ['platform-admin'], scopes: ['admin.read'] }), 'write', platform)).toBe(false);
    });
  });

  describe('read on the platform', () => {
    it.each(['admin.read', 'admin.write', 'edge.config'])('allows scope %s', (scope) => {
      expect(decide(user({ scopes: [scope] }), 'read', platform)).toBe(true);
    });
    it('denies a principal with none of those scopes', () => {
      expect(decide(user({ roles: ['platform-admin'], scopes: ['billing.read'] }), 'read', platform)).toBe(false);
    });
  });
});

describe('metrics actions (policies/conductor.cedar platform-metrics-*)', () => {
  it('allows ingestMetrics with scope edge.metrics', () => {
    expect(decide(user({ tenant: 'conductor', scopes: ['edge.config', 'edge.metrics'] }), 'ingestMetrics', platform)).toBe(true);
  });
  it('denies ingestMetrics to the config-only edge token and to platform admins', () => {
    expect(decide(user({ scopes: ['edge.config'] }), 'ingestMetrics', platform)).toBe(false);
    expect(decide(user({ roles: ['platform-admin'], scopes: ['admin.write'] }), 'ingestMetrics', platform)).toBe(false);
  });
  it('allows readMetrics with scope metrics.read or role platform-admin', () => {
    expect(decide(user({ scopes: ['metrics.read'] }), 'readMetrics', platform)).toBe(true);
    expect(decide(user({ roles: ['platform-admin'] }), 'readMetrics', platform)).toBe(true);
  });
  it('denies readMetrics to tenant admins and to the edge', () => {
    expect(decide(user({ scopes: ['admin.write', 'admin.read'] }), 'readMetrics', platform)).toBe(false);
    expect(decide(user({ scopes: ['edge.config', 'edge.metrics'] }), 'readMetrics', platform)).toBe(false);
  });
  it('does not let edge.metrics or metrics.read read or write shared configuration', () => {
    expect(decide(user({ scopes: ['edge.metrics', 'metrics.read'] }), 'read', platform)).toBe(false);
    expect(decide(user({ scopes: ['edge.metrics', 'metrics.read'] }), 'write', platform)).toBe(false);
  });
});
