import { describe, expect, it } from 'vitest';
import { isDryRun, PurgeCommandSchema, PurgeDryRunRequestSchema, PurgeRequestSchema } from './purge.ts';

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
