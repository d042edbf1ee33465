import { describe, expect, it } from 'vitest';
import { isDryRun } from './purge-command.ts';
import { parsePurgeCommand, PurgeCommandSchema, PurgeDryRunRequestSchema, PurgeRequestSchema } from './purge.ts';

const op = `sha256:${'a'.repeat(64)}`;
const targets = [
  { tenant: 'acme', mutation: { op: 'updateEntity', variables: { id: '7' } } },
  { tenant: 'acme', opId: op, varsHash: 'b'.repeat(64) },
  { tenant: 'acme', opId: op },
  { tenant: 'acme', all: true },
];

describe('purge commands', () => {
  it('a dry run is every purge target form with dryRun: true', () => {
    for (const target of targets) {
      expect(PurgeDryRunRequestSchema.parse({ ...target, dryRun: true })).toEqual({ ...target, dryRun: true });
      expect(isDryRun(PurgeCommandSchema.parse({ ...target, dryRun: true }))).toBe(true);
      // The purge forms are unchanged and are not dry runs.
      expect(isDryRun(PurgeCommandSchema.parse({ ...target, purgeId: 'purge-0001' }))).toBe(false);
    }
  });

  it('a dry run carries no purgeId, dryRun is only ever true, and a purge has no dryRun member', () => {
    expect(PurgeDryRunRequestSchema.safeParse({ ...targets[3], dryRun: true, purgeId: 'purge-0001' }).success).toBe(false);
    expect(PurgeCommandSchema.safeParse({ ...targets[3], dryRun: false }).success).toBe(false);
    expect(PurgeRequestSchema.safeParse({ ...targets[3], dryRun: true }).success).toBe(false);
    expect(PurgeCommandSchema.safeParse({ tenant: 'acme', dryRun: true }).success).toBe(false);
  });
});

describe('parsePurgeCommand', () => {
  it('parses every form, as a purge or a dry run', () => {
    for (const target of targets) {
      expect(parsePurgeCommand({ ...target, purgeId: 'purge-0001' })).toEqual({ ok: true, command: { ...target, purgeId: 'purge-0001' } });
      expect(parsePurgeCommand({ ...target, dryRun: true })).toEqual({ ok: true, command: { ...target, dryRun: true } });
    }
  });

  it.each([
    ['not an object', [1], 'purge: the body must be a JSON object'],
    ['no target', { tenant: 'acme', dryRun: true }, 'dry run: give exactly one target: mutation, opId (optionally with varsHash) or all (got none)'],
    ['two targets', { tenant: 'acme', all: true, opId: op }, 'purge: give exactly one target: mutation, opId (optionally with varsHash) or all (got opId and all)'],
    ['a dry run with a purgeId', { tenant: 'acme', all: true, dryRun: true, purgeId: 'purge-0001' }, 'dry run: Unrecognized key: "purgeId"'],
    ['dryRun false', { tenant: 'acme', all: true, dryRun: false }, 'dry run: dryRun: Invalid input: expected true'],
    ['a bad varsHash', { tenant: 'acme', opId: op, varsHash: 'xyz' }, 'purge: varsHash: Invalid string: must match pattern /^[0-9a-f]{64}$/'],
    ['no tenant', { all: true }, 'purge: tenant: Invalid input: expected string, received undefined'],
  ])('names the problem: %s', (_label, body, problem) => {
    expect(parsePurgeCommand(body)).toEqual({ ok: false, problem });
  });
});
