import { afterEach, describe, expect, it } from 'vitest';
import type { Claims } from '@conductor/schema/contracts/auth';
import { apiFailure } from '../testing/api-error.ts';
import { authorizeAs } from './authorize.ts';
import { installPolicySource, loadPolicySource, PLATFORM, type CreateExportContext, type ExportResource, type PolicySource } from './cedar.ts';
import { automation } from './principal.ts';

function user(overrides: Partial<Claims>): Claims {
  return { sub: 'user:test', tenant: 'acme', tenants: [], roles: [], scopes: [], clearance: 0, purposes: [], ...overrides };
}
const acme = { type: 'Tenant', id: 'acme' } as const;
const globex = { type: 'Tenant', id: 'globex' } as const;

const shipped = loadPolicySource();
afterEach(() => installPolicySource(shipped));

/** The shipped policies with one policy's @advice replaced: the rule itself is untouched. */
function withAdvice(id: string, advice: string): PolicySource {
  const marker = `@id("${id}")\n@advice("`;
  const at = shipped.policies.indexOf(marker);
  if (at < 0) throw new Error(`no advised policy ${id}`);
  const end = shipped.policies.indexOf('")', at + marker.length);
  return { ...shipped, policies: `${shipped.policies.slice(0, at + marker.length)}${advice}${shipped.policies.slice(end)}` };
}

describe('authorizeAs', () => {
  it('returns quietly when Cedar allows', () => {
    expect(() => authorizeAs(user({ scopes: ['admin.write'] }), 'write', acme)).not.toThrow();
  });

  describe('explains a denial by forbids with their @advice', () => {
    it('names what the forbid requires and the policy', () => {
      expect(apiFailure(() => authorizeAs(user({ scopes: ['admin.read'] }), 'write', acme))).toEqual({
        status: 403,
        code: 'FORBIDDEN',
        message: 'write on tenant "acme" requires scope admin.write (policy change-needs-admin-write)',
      });
    });

    it('joins every forbid that denied, in file order, with "and"', () => {
      const self = user({ sub: 'user:ops', roles: ['platform-admin'], scopes: ['admin.read'], clearance: 2 });
      expect(apiFailure(() => authorizeAs(self, 'approve', PLATFORM, { requestedBy: 'user:ops' })).message).toBe(
        'approve on the platform requires scope admin.write and an approver other than the requester and clearance 4 or more ' +
          '(policies change-needs-admin-write, approver-is-not-requester, approve-needs-high-clearance)',
      );
    });

    it('takes the words from the policy file: a changed @advice changes the message', () => {
      installPolicySource(withAdvice('change-needs-admin-write', 'a token allowed to change things'));
      expect(apiFailure(() => authorizeAs(user({ scopes: ['admin.read'] }), 'write', acme)).message).toBe(
        'write on tenant "acme" requires a token allowed to change things (policy change-needs-admin-write)',
      );
    });
  });

  describe('explains a default deny by the permits Cedar says could have allowed it', () => {
    it('offers each permit in scope, joined with "or"', () => {
      expect(apiFailure(() => authorizeAs(user({ scopes: ['admin.write'] }), 'read', globex)).message).toBe(
        'read on tenant "globex" requires membership of the tenant or role platform-admin (policies tenant-read-member, tenant-read-platform-admin)',
      );
    });

    it('leaves out permits for other actions, resources and principal types', () => {
      expect(apiFailure(() => authorizeAs(user({ scopes: ['admin.write'] }), 'write', PLATFORM)).message).toBe(
        'write on the platform requires role platform-admin (policy platform-change-platform-admin)',
      );
      expect(apiFailure(() => authorizeAs(user({ scopes: ['admin.write'] }), 'readMetrics', PLATFORM)).message).toBe(
        'readMetrics on the platform requires scope metrics.read or role platform-admin (policy platform-metrics-read)',
      );
    });

    it('takes the words from the policy file: a changed permit @advice changes the message', () => {
      installPolicySource(withAdvice('platform-change-platform-admin', 'an operator of the whole platform'));
      expect(apiFailure(() => authorizeAs(user({ scopes: ['admin.write'] }), 'write', PLATFORM)).message).toBe(
        'write on the platform requires an operator of the whole platform (policy platform-change-platform-admin)',
      );
    });

    it('follows the rules, not a list in code: a new permit is offered as soon as the file has it', () => {
      installPolicySource({
        ...shipped,
        policies: `${shipped.policies}\n@id("tenant-read-support")\n@advice("role support")\npermit (principal is User, action == Action::"read", resource is Tenant) when { principal.roles.contains("support") };\n`,
      });
      expect(apiFailure(() => authorizeAs(user({}), 'read', globex)).message).toMatch(/requires membership of the tenant or role platform-admin or role support \(policies .*tenant-read-support\)$/);
    });

    it('says so when no policy grants the action to that kind of principal', () => {
      expect(apiFailure(() => authorizeAs(automation('alerts-evaluate'), 'write', PLATFORM)).message).toBe('write on the platform is not granted by any policy');
    });
  });

  describe('automation', () => {
    it('authorises a job for what background work needs', () => {
      expect(() => authorizeAs(automation('metrics-retention'), 'maintain', PLATFORM)).not.toThrow();
      expect(() => authorizeAs(automation('alerts-evaluate'), 'readMetrics', PLATFORM)).not.toThrow();
    });

    it('refuses a job an approval, explained by the forbid', () => {
      expect(apiFailure(() => authorizeAs(automation('aiops'), 'approve', acme, { requestedBy: 'user:someone' })).message).toBe(
        'approve on tenant "acme" requires a person (automation never approves) (policy approve-by-people-only)',
      );
    });
  });
});

describe('exports', () => {
  const acmeLicences = { ...acme, allowedLicenses: ['Restricted-TOS'] };
  const proofs: CreateExportContext = { license: 'Restricted-TOS', purpose: ['investigation'] };
  const requester = (overrides: Partial<Claims> = {}) => user({ sub: 'user:requester', scopes: ['export.create'], purposes: ['investigation'], ...overrides });
  const reviewer = (overrides: Partial<Claims> = {}) => user({ sub: 'user:reviewer', scopes: ['export.review'], clearance: 4, ...overrides });
  const pending: ExportResource = { type: 'Export', id: 'exp-1', tenant: 'acme', requestedBy: 'user:requester', status: 'pending_review' };
  const approved: ExportResource = { ...pending, status: 'approved' };
  const message = (fn: () => void) => apiFailure(fn).message;

  it('lets each action through with what it needs, one call each', () => {
    expect(() => authorizeAs(requester(), 'createExport', acmeLicences, proofs)).not.toThrow();
    expect(() => authorizeAs(reviewer(), 'reviewExport', pending)).not.toThrow();
    expect(() => authorizeAs(requester(), 'downloadExport', approved)).not.toThrow();
    expect(() => authorizeAs(user({ roles: ['platform-admin'], scopes: ['admin.write'] }), 'switchExports', PLATFORM)).not.toThrow();
  });

  it('asks createExport about a tenant whose licences were loaded: the type demands them, and Cedar denies without them', () => {
    // @ts-expect-error a Tenant without allowedLicenses (tenants/queries.ts getLicensedTenant loads them)
    expect(message(() => authorizeAs(requester(), 'createExport', acme, proofs))).toBe(
      'createExport on tenant "acme" requires a licence the tenant allows (policy export-license-allowed-by-tenant)',
    );
  });

  describe('explains a refused creation', () => {
    it('a licence the tenant does not allow', () => {
      expect(apiFailure(() => authorizeAs(requester(), 'createExport', acmeLicences, { ...proofs, license: 'CC-BY-4.0' }))).toEqual({
        status: 403,
        code: 'FORBIDDEN',
        message: 'createExport on tenant "acme" requires a licence the tenant allows (policy export-license-allowed-by-tenant)',
      });
    });

    it('a purpose the token lacks', () => {
      expect(message(() => authorizeAs(requester(), 'createExport', acmeLicences, { ...proofs, purpose: ['investigation', 'marketing'] }))).toBe(
        "createExport on tenant \"acme\" requires at least one purpose, each among the token's purposes (policy export-purposes-allowed-by-token)",
      );
    });

    it('no scope export.create', () => {
      expect(message(() => authorizeAs(requester({ scopes: ['admin.write'] }), 'createExport', acmeLicences, proofs))).toBe(
        'createExport on tenant "acme" requires scope export.create (policy export-create-needs-scope)',
      );
    });

    it('another tenant', () => {
      expect(message(() => authorizeAs(requester(), 'createExport', { ...globex, allowedLicenses: ['Restricted-TOS'] }, proofs))).toBe(
        'createExport on tenant "globex" requires membership of the tenant (policy export-create-member)',
      );
    });

    it('every missing proof at once', () => {
      expect(message(() => authorizeAs(requester({ scopes: [], purposes: [] }), 'createExport', { ...acme, allowedLicenses: [] }, proofs))).toBe(
        "createExport on tenant \"acme\" requires scope export.create and a licence the tenant allows and at least one purpose, each among the token's purposes " +
          '(policies export-create-needs-scope, export-license-allowed-by-tenant, export-purposes-allowed-by-token)',
      );
    });
  });

  describe('explains a refused review', () => {
    it('clearance 3', () => {
      expect(message(() => authorizeAs(reviewer({ clearance: 3 }), 'reviewExport', pending))).toBe(
        'reviewExport on export "exp-1" requires clearance 4 or more (policy approve-needs-high-clearance)',
      );
    });

    it('no scope export.review', () => {
      expect(message(() => authorizeAs(reviewer({ scopes: ['export.create'] }), 'reviewExport', pending))).toBe(
        'reviewExport on export "exp-1" requires scope export.review (policy export-review-needs-scope)',
      );
    });

    it('the requester reviewing their own export', () => {
      expect(message(() => authorizeAs(reviewer({ sub: 'user:requester', clearance: 5 }), 'reviewExport', pending))).toBe(
        'reviewExport on export "exp-1" requires a reviewer other than the requester (policy export-reviewer-is-not-requester)',
      );
    });

    it('another tenant’s export', () => {
      expect(message(() => authorizeAs(reviewer({ tenant: 'globex' }), 'reviewExport', pending))).toBe(
        'reviewExport on export "exp-1" requires membership of the export\'s tenant (policy export-review-member)',
      );
    });
  });

  it('explains a refused download: not approved, or no download scope', () => {
    expect(message(() => authorizeAs(requester(), 'downloadExport', pending))).toBe(
      'downloadExport on export "exp-1" requires an approved export (policy export-download-only-approved)',
    );
    expect(message(() => authorizeAs(reviewer(), 'downloadExport', approved))).toBe(
      'downloadExport on export "exp-1" requires scope export.download or export.create (policy export-download-needs-scope)',
    );
  });

  it('explains a refused backout switch by role, then by scope', () => {
    expect(message(() => authorizeAs(user({ scopes: ['admin.write'] }), 'switchExports', PLATFORM))).toBe(
      'switchExports on the platform requires role platform-admin (policy exports-switch-platform-admin)',
    );
    expect(message(() => authorizeAs(user({ roles: ['platform-admin'], scopes: ['admin.read'] }), 'switchExports', PLATFORM))).toBe(
      'switchExports on the platform requires scope admin.write (policy change-needs-admin-write)',
    );
  });

  it('takes the words from the policy file: a changed export @advice changes the message', () => {
    installPolicySource(withAdvice('export-license-allowed-by-tenant', 'a licence listed for the tenant'));
    expect(message(() => authorizeAs(requester(), 'createExport', acmeLicences, { ...proofs, license: 'CC-BY-4.0' }))).toBe(
      'createExport on tenant "acme" requires a licence listed for the tenant (policy export-license-allowed-by-tenant)',
    );
  });
});
